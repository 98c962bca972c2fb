//! A small reader for 64-bit little-endian ELF shared objects: just enough to
//! list a plugin's dynamic symbols and read its descriptor's fields from
//! the file without running any of its code (`criu-plugin-inspect`).

use std::ffi::CStr;

/// A dynamic symbol of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Its name.
    pub name: String,
    /// Defined in this file (`st_shndx != SHN_UNDEF`).
    pub defined: bool,
    /// Weak binding: may stay unresolved.
    pub weak: bool,
    /// Its address (`st_value`) in the file's address space.
    pub value: u64,
    /// Its size in bytes.
    pub size: u64,
}

/// A parsed ELF file (the bytes are kept).
#[derive(Debug)]
pub struct Elf {
    bytes: Vec<u8>,
    sections: Vec<Section>,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy)]
struct Section {
    kind: u32,
    offset: u64,
    size: u64,
    link: u32,
    entsize: u64,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    vaddr: u64,
    offset: u64,
    filesz: u64,
}

const SHT_DYNSYM: u32 = 11;
const SHT_RELA: u32 = 4;
const PT_LOAD: u32 = 1;
const STB_WEAK: u8 = 2;
const R_X86_64_RELATIVE: u32 = 8;
const R_AARCH64_RELATIVE: u32 = 1027;

fn read<const N: usize>(b: &[u8], at: u64) -> Option<[u8; N]> {
    let at = usize::try_from(at).ok()?;
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}
fn u16_at(b: &[u8], at: u64) -> Option<u16> {
    read::<2>(b, at).map(u16::from_le_bytes)
}
fn u32_at(b: &[u8], at: u64) -> Option<u32> {
    read::<4>(b, at).map(u32::from_le_bytes)
}
fn u64_at(b: &[u8], at: u64) -> Option<u64> {
    read::<8>(b, at).map(u64::from_le_bytes)
}

impl Elf {
    /// Parses `bytes`; the error says why it is not a usable ELF file.
    pub fn parse(bytes: Vec<u8>) -> Result<Elf, String> {
        if bytes.get(..4) != Some(b"\x7fELF") {
            return Err("not an ELF file".into());
        }
        if bytes[4] != 2 || bytes[5] != 1 {
            return Err("not a 64-bit little-endian ELF file".into());
        }
        let bad = || "truncated or malformed ELF headers".to_string();
        let shoff = u64_at(&bytes, 0x28).ok_or_else(bad)?;
        let shentsize = u16_at(&bytes, 0x3a).ok_or_else(bad)? as u64;
        let shnum = u16_at(&bytes, 0x3c).ok_or_else(bad)? as u64;
        let phoff = u64_at(&bytes, 0x20).ok_or_else(bad)?;
        let phentsize = u16_at(&bytes, 0x36).ok_or_else(bad)? as u64;
        let phnum = u16_at(&bytes, 0x38).ok_or_else(bad)? as u64;
        let mut sections = Vec::new();
        for i in 0..shnum {
            let at = shoff + i * shentsize;
            sections.push(Section {
                kind: u32_at(&bytes, at + 4).ok_or_else(bad)?,
                offset: u64_at(&bytes, at + 0x18).ok_or_else(bad)?,
                size: u64_at(&bytes, at + 0x20).ok_or_else(bad)?,
                link: u32_at(&bytes, at + 0x28).ok_or_else(bad)?,
                entsize: u64_at(&bytes, at + 0x38).ok_or_else(bad)?,
            });
        }
        let mut segments = Vec::new();
        for i in 0..phnum {
            let at = phoff + i * phentsize;
            if u32_at(&bytes, at).ok_or_else(bad)? == PT_LOAD {
                segments.push(Segment {
                    offset: u64_at(&bytes, at + 8).ok_or_else(bad)?,
                    vaddr: u64_at(&bytes, at + 0x10).ok_or_else(bad)?,
                    filesz: u64_at(&bytes, at + 0x20).ok_or_else(bad)?,
                });
            }
        }
        Ok(Elf {
            bytes,
            sections,
            segments,
        })
    }

    /// Reads and parses the file at `path`.
    pub fn open(path: &std::path::Path) -> Result<Elf, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        Elf::parse(bytes)
    }

    /// Every dynamic symbol (`.dynsym`), the null symbol left out.
    pub fn dynamic_symbols(&self) -> Vec<Symbol> {
        let mut out = Vec::new();
        for s in self.sections.iter().filter(|s| s.kind == SHT_DYNSYM) {
            let Some(strtab) = self.sections.get(s.link as usize) else {
                continue;
            };
            let entsize = if s.entsize == 0 { 24 } else { s.entsize };
            for i in 1..s.size / entsize {
                let at = s.offset + i * entsize;
                let (Some(name_off), Some(info), Some(shndx), Some(value), Some(size)) = (
                    u32_at(&self.bytes, at),
                    read::<1>(&self.bytes, at + 4),
                    u16_at(&self.bytes, at + 6),
                    u64_at(&self.bytes, at + 8),
                    u64_at(&self.bytes, at + 16),
                ) else {
                    break;
                };
                let Some(name) = self.c_string_at(strtab.offset + name_off as u64) else {
                    continue;
                };
                if name.is_empty() {
                    continue;
                }
                out.push(Symbol {
                    name,
                    defined: shndx != 0,
                    weak: info[0] >> 4 == STB_WEAK,
                    value,
                    size,
                });
            }
        }
        out
    }

    fn c_string_at(&self, offset: u64) -> Option<String> {
        let tail = self.bytes.get(usize::try_from(offset).ok()?..)?;
        Some(
            CStr::from_bytes_until_nul(tail)
                .ok()?
                .to_string_lossy()
                .into_owned(),
        )
    }

    /// File offset of the address `vaddr`, if a loaded segment holds it.
    fn file_offset(&self, vaddr: u64) -> Option<u64> {
        self.segments
            .iter()
            .find(|s| vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz)
            .map(|s| vaddr - s.vaddr + s.offset)
    }

    /// The address a relative relocation stores at `vaddr`, if any.
    fn relocated_pointer(&self, vaddr: u64) -> Option<u64> {
        for s in self.sections.iter().filter(|s| s.kind == SHT_RELA) {
            let entsize = if s.entsize == 0 { 24 } else { s.entsize };
            for i in 0..s.size / entsize {
                let at = s.offset + i * entsize;
                if u64_at(&self.bytes, at)? != vaddr {
                    continue;
                }
                let kind = u64_at(&self.bytes, at + 8)? as u32;
                if kind == R_X86_64_RELATIVE || kind == R_AARCH64_RELATIVE {
                    return u64_at(&self.bytes, at + 16);
                }
            }
        }
        None
    }

    /// Reads a 32-bit value at address `vaddr`.
    pub fn u32_at_addr(&self, vaddr: u64) -> Option<u32> {
        u32_at(&self.bytes, self.file_offset(vaddr)?)
    }

    /// Reads the string a pointer at address `vaddr` points to, following
    /// the relative relocation that fills the pointer at load time.
    pub fn string_via_pointer(&self, vaddr: u64) -> Option<String> {
        let target = self.relocated_pointer(vaddr)?;
        self.c_string_at(self.file_offset(target)?)
    }

    /// Whether a pointer-sized slot at `vaddr` is filled at load time
    /// (non-zero in the file or relocated).
    pub fn pointer_is_set(&self, vaddr: u64) -> bool {
        self.relocated_pointer(vaddr).is_some()
            || self
                .file_offset(vaddr)
                .and_then(|o| u64_at(&self.bytes, o))
                .is_some_and(|v| v != 0)
    }
}

impl Elf {
    /// Whether any relocation (`.rela.*`) writes the address `vaddr`: a
    /// pointer there is set at load time, to a local or a global symbol.
    pub fn has_relocation(&self, vaddr: u64) -> bool {
        self.sections
            .iter()
            .filter(|s| s.kind == SHT_RELA)
            .any(|s| {
                let entsize = if s.entsize == 0 { 24 } else { s.entsize };
                (0..s.size / entsize)
                    .any(|i| u64_at(&self.bytes, s.offset + i * entsize) == Some(vaddr))
            })
    }

    /// The libraries the file needs (its `DT_NEEDED` entries), in order.
    pub fn needed(&self) -> Vec<String> {
        const SHT_DYNAMIC: u32 = 6;
        const DT_NEEDED: u64 = 1;
        let mut out = Vec::new();
        for s in self.sections.iter().filter(|s| s.kind == SHT_DYNAMIC) {
            let Some(strtab) = self.sections.get(s.link as usize) else {
                continue;
            };
            for i in 0..s.size / 16 {
                let at = s.offset + i * 16;
                let (Some(tag), Some(value)) =
                    (u64_at(&self.bytes, at), u64_at(&self.bytes, at + 8))
                else {
                    break;
                };
                if tag == 0 {
                    break;
                }
                if tag == DT_NEEDED
                    && let Some(name) = self.c_string_at(strtab.offset + value)
                {
                    out.push(name);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_elf() {
        assert_eq!(
            Elf::parse(b"hello world".to_vec()).unwrap_err(),
            "not an ELF file"
        );
        assert!(Elf::parse(b"\x7fELF\x01\x01".to_vec()).is_err());
        assert!(Elf::parse(b"\x7fELF\x02\x01\x01".to_vec()).is_err());
    }

    #[test]
    fn reads_the_c_library() {
        // The C library of the machine running the tests: a real shared object.
        let libc_path = [
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/aarch64-linux-gnu/libc.so.6",
            "/usr/lib64/libc.so.6",
        ]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
        let path = libc_path.expect("the machine's C library");
        let elf = Elf::open(std::path::Path::new(path)).unwrap();
        let syms = elf.dynamic_symbols();
        assert!(syms.iter().any(|s| s.name == "malloc" && s.defined));
        assert!(!syms.iter().any(|s| s.name == "CR_PLUGIN_DESC"));
    }
}
