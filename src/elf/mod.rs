//! The one reader of ELF dynamic sections and symbol tables, for plugin
//! files on disk and for objects the dynamic linker has mapped.
//!
//! Both go through [`Image`], which hands out the bytes at a virtual
//! address: a file through its loadable segments, a mapped object through
//! its load bias. Everything read from an image is bounds-checked and every
//! loop is bounded, so a file that lies (sizes, offsets, hash chains) gives
//! an error or `None`, never a panic, a huge allocation or an endless loop.
//! Only 64-bit little-endian objects are read (x86-64, AArch64, ...).

use std::ffi::CStr;

pub(crate) const PT_LOAD: u32 = 1;
pub(crate) const PT_DYNAMIC: u32 = 2;

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_PLTRELSZ: u64 = 2;
const DT_HASH: u64 = 4;
const DT_STRTAB: u64 = 5;
const DT_SYMTAB: u64 = 6;
const DT_RELA: u64 = 7;
const DT_RELASZ: u64 = 8;
const DT_STRSZ: u64 = 10;
const DT_PLTREL: u64 = 20;
const DT_JMPREL: u64 = 23;
const DT_GNU_HASH: u64 = 0x6fff_fef5;
const DT_VERSYM: u64 = 0x6fff_fff0;

/// `st_shndx` of an absolute symbol.
const SHN_ABS: u16 = 0xfff1;
/// `st_info` binding: global.
const STB_GLOBAL: u8 = 1;
/// `st_info` binding: unique global (GNU).
const STB_GNU_UNIQUE: u8 = 10;
/// A version index with this bit set is hidden: only a reference naming
/// that version binds to it.
const VERSYM_HIDDEN: u16 = 0x8000;

/// `st_info` binding: weak.
pub(crate) const STB_WEAK: u8 = 2;
/// `st_info` type: a data object.
pub(crate) const STT_OBJECT: u8 = 1;
/// `st_info` type: a function.
pub(crate) const STT_FUNC: u8 = 2;
/// `st_info` type: a common (uninitialised) data object.
pub(crate) const STT_COMMON: u8 = 5;
/// `st_info` type: a thread-local variable.
pub(crate) const STT_TLS: u8 = 6;
/// `st_info` type: an indirect function (GNU).
pub(crate) const STT_GNU_IFUNC: u8 = 10;

const R_X86_64_64: u32 = 1;
const R_X86_64_RELATIVE: u32 = 8;
const R_AARCH64_ABS64: u32 = 257;
const R_AARCH64_RELATIVE: u32 = 1027;

const EHDR_SIZE: usize = 64;
const PHDR_SIZE: u64 = 56;
const SYM_SIZE: u64 = 24;
const RELA_SIZE: u64 = 24;
const DYN_SIZE: u64 = 16;
/// At most this many dynamic entries are read before DT_NULL.
const MAX_DYNAMIC: u64 = 4096;
/// At most this many symbols in one table.
const MAX_SYMBOLS: u64 = 1 << 22;
/// At most this many bytes in one name.
const MAX_NAME: u64 = 4096;
/// How much of a file [`ElfFile::headers`] reads: enough for the ELF
/// header and the program headers of every ordinary object.
pub const HEADER_READ: usize = 4096;
/// How much of a plugin file is read at most without loading it (for the
/// skip list's plugin names, and by the inspection tool): a larger file is
/// left to `dlopen`.
pub const READ_LIMIT: u64 = 256 << 20;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Bytes by virtual address.
pub trait Image {
    /// The `len` bytes at virtual address `vaddr`, if the image holds them all.
    fn bytes(&self, vaddr: u64, len: u64) -> Option<&[u8]>;

    /// The virtual address a dynamic entry's pointer stands for (the dynamic
    /// linker stores some of them already relocated).
    fn dyn_ptr(&self, value: u64) -> u64 {
        value
    }

    /// A 64-bit value at `vaddr`.
    fn u64_at(&self, vaddr: u64) -> Option<u64> {
        u64_at(self.bytes(vaddr, 8)?, 0)
    }

    /// A 32-bit value at `vaddr`.
    fn u32_at(&self, vaddr: u64) -> Option<u32> {
        u32_at(self.bytes(vaddr, 4)?, 0)
    }

    /// The NUL-terminated string at `vaddr`, at most `max` bytes long.
    fn c_str_at(&self, vaddr: u64, max: u64) -> Option<&CStr> {
        // Read as much as the image holds, up to `max`, without crossing
        // the end of what it holds.
        let mut len = max;
        while len > 0 {
            if let Some(b) = self.bytes(vaddr, len) {
                return CStr::from_bytes_until_nul(b).ok();
            }
            len /= 2;
        }
        None
    }
}

mod dynamic;
mod headers;
mod lookup;
#[cfg(test)]
mod tests;

pub use dynamic::{Dynamic, Symbol};
pub(crate) use headers::Segments;
pub use headers::{ElfError, ElfFile};
pub(crate) use headers::{MappedImage, mappable};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use headers::{load_layout, loadable_end};
use lookup::GnuHash;
pub(crate) use lookup::{GnuLookup, gnu_hash};
