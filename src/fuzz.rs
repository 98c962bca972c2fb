//! The mutation helpers behind the fuzzing run (`make fuzz`, the
//! `fuzzing` feature) and the readers' mutation tests: every reader of an
//! untrusted file, over mutated copies of real objects.

use crate::elf::{ElfFile, HEADER_READ, gnu_hash, load_layout, loadable_end};

/// Runs every ELF reader and the descriptor reader over
/// `bytes` as a file of `bytes.len()` bytes: what the mutation tests and the
/// long fuzzing run exercise. Returns how many symbols were seen, so the
/// work cannot be optimised away.
pub fn exercise(bytes: &[u8]) -> usize {
    let size = bytes.len() as u64;
    let _ = loadable_end(&bytes[..bytes.len().min(HEADER_READ)], size);
    let Ok(elf) = ElfFile::parse(bytes.to_vec(), size) else {
        return 0;
    };
    let _ = elf.complete();
    let mut seen = 0;
    if let Some(d) = elf.dynamic() {
        seen += d.symbols().take(100_000).count();
        let _ = d.lookup(c"CR_PLUGIN_DESC");
        let _ = d.lookup(c"malloc");
        if let Some(g) = d.gnu_lookup() {
            for name in [&b"malloc"[..], b"CR_PLUGIN_DESC", b"memcpy", b""] {
                seen += usize::from(g.defines(name, gnu_hash(name)));
            }
        }
        seen += d.lazy_imports(None).take(100_000).count();
        if let Ok((_, segments)) = load_layout(&bytes[..bytes.len().min(HEADER_READ)], size) {
            seen += d.lazy_imports(Some(&segments)).take(100_000).count();
        }
        seen += d.needed().count();
        seen += d.relocations().take(1_000_000).count();
        let _ = d.pointer_at(0x4000);
    }
    let _ = crate::descriptor::FilePlugin::read(&elf);
    seen
}

/// A small deterministic generator for the mutation tests.
pub struct XorShift(pub u64);

impl XorShift {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Mutates `base` once: flips, overwrites with extreme values, or cuts.
pub fn mutate(base: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut bytes = base.to_vec();
    match rng.next_u64() % 4 {
        0 => {
            // Cut anywhere, mostly within the headers.
            let cut = if rng.next_u64() % 2 == 0 {
                8192
            } else {
                bytes.len() as u64 + 1
            };
            bytes.truncate((rng.next_u64() % cut) as usize);
        }
        1 => {
            for _ in 0..1 + rng.next_u64() % 8 {
                let at = (rng.next_u64() % bytes.len().max(1) as u64) as usize;
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << (rng.next_u64() % 8);
                }
            }
        }
        _ => {
            // Overwrite an aligned 8-byte word of the first pages (headers,
            // dynamic section, tables) with 0, -1 or a huge value.
            let limit = bytes.len().clamp(8, 16384) as u64;
            let at = ((rng.next_u64() % limit) & !7) as usize;
            let value: u64 = match rng.next_u64() % 3 {
                0 => 0,
                1 => u64::MAX,
                _ => 0x7fff_ffff_ffff_ffff,
            };
            if at + 8 <= bytes.len() {
                bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
            }
        }
    }
    bytes
}
