//! Looking a name up the way the dynamic linker binds it: GNU hash tables
//! with their bloom filter.

use super::*;

/// The GNU hash of a symbol name (the dynamic linker's `dl_new_hash`).
pub(crate) fn gnu_hash(name: &[u8]) -> u32 {
    let mut h = 5381u32;
    for &b in name {
        h = h.wrapping_mul(33).wrapping_add(u32::from(b));
    }
    h
}

/// An object's GNU hash table, bloom filter included, and the tables it
/// indexes: answers whether the object defines a name the way the dynamic
/// linker would bind a reference without a version to it, in a few dozen
/// instructions (most names are turned away by the bloom filter).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GnuLookup<I> {
    pub(super) image: I,
    pub(super) bloom: u64,
    pub(super) bloom_mask: u32,
    pub(super) shift: u32,
    pub(super) table: GnuHash,
    pub(super) symtab: u64,
    pub(super) strtab: u64,
    pub(super) strsz: u64,
    pub(super) versym: u64,
}

impl<I: Image> GnuLookup<I> {
    /// Whether the object defines `name` (whose [`gnu_hash`] is `hash`) as
    /// something a reference without a version binds to: a global, weak or
    /// unique symbol of a bindable type, with an address, in a version that
    /// is not hidden. `false` when the tables cannot be read.
    pub(crate) fn defines(&self, name: &[u8], hash: u32) -> bool {
        self.find(hash, |index| self.binds(index, name)).is_some()
    }

    /// The first symbol whose hash is `hash` and that `accept` takes: the
    /// dynamic linker's own walk, the bloom filter's two bits first.
    fn find(&self, hash: u32, accept: impl Fn(u32) -> bool) -> Option<u32> {
        let word = u64::from((hash / 64) & self.bloom_mask);
        let bits = self.image.u64_at(self.bloom.checked_add(word * 8)?)?;
        let mask = (1u64 << (hash % 64)) | (1u64 << ((hash >> self.shift) % 64));
        if bits & mask != mask {
            return None;
        }
        self.table.find(&self.image, hash, accept)
    }

    /// Whether the string at `st_name` is `name`: its bytes and a NUL,
    /// inside the string table (no scan for the string's end).
    fn name_is(&self, st_name: u32, name: &[u8]) -> bool {
        let len = name.len() as u64 + 1;
        if self.strsz != 0
            && u64::from(st_name)
                .checked_add(len)
                .is_none_or(|e| e > self.strsz)
        {
            return false;
        }
        self.strtab
            .checked_add(u64::from(st_name))
            .and_then(|at| self.image.bytes(at, len))
            .is_some_and(|text| text[..name.len()] == *name && text[name.len()] == 0)
    }

    /// Whether symbol `index` is named `name` and bindable.
    fn binds(&self, index: u32, name: &[u8]) -> bool {
        let Some(at) = self
            .symtab
            .checked_add(u64::from(index) * SYM_SIZE)
            .and_then(|at| self.image.bytes(at, SYM_SIZE))
        else {
            return false;
        };
        let (Some(st_name), Some(shndx), Some(value)) =
            (u32_at(at, 0), u16_at(at, 6), u64_at(at, 8))
        else {
            return false;
        };
        let info = at[4];
        let (bind, kind) = (info >> 4, info & 0xf);
        let bindable_kind = matches!(
            kind,
            0 | STT_OBJECT | STT_FUNC | STT_COMMON | STT_TLS | STT_GNU_IFUNC
        );
        if shndx == 0
            || !matches!(bind, STB_GLOBAL | STB_WEAK | STB_GNU_UNIQUE)
            || !bindable_kind
            || (value == 0 && shndx != SHN_ABS && kind != STT_TLS)
        {
            return false;
        }
        if !self.name_is(st_name, name) {
            return false;
        }
        if self.versym == 0 {
            return true;
        }
        let version = self
            .versym
            .checked_add(u64::from(index) * 2)
            .and_then(|at| self.image.bytes(at, 2))
            .and_then(|b| u16_at(b, 0));
        // 0 is a local symbol; a hidden version binds only when named.
        version.is_some_and(|v| v != 0 && v & VERSYM_HIDDEN == 0)
    }
}

/// The header of a GNU hash table.
#[derive(Debug, Clone, Copy)]
pub(super) struct GnuHash {
    pub(super) nbuckets: u32,
    pub(super) symoffset: u32,
    pub(super) buckets: u64,
    pub(super) chains: u64,
}

impl GnuHash {
    pub(super) fn read<I: Image + ?Sized>(image: &I, at: u64) -> Option<GnuHash> {
        let nbuckets = image.u32_at(at)?;
        let symoffset = image.u32_at(at.checked_add(4)?)?;
        let bloom_words = image.u32_at(at.checked_add(8)?)?;
        let buckets = at
            .checked_add(16)?
            .checked_add(u64::from(bloom_words) * 8)?;
        let chains = buckets.checked_add(u64::from(nbuckets) * 4)?;
        Some(GnuHash {
            nbuckets,
            symoffset,
            buckets,
            chains,
        })
    }

    pub(super) fn bucket<I: Image + ?Sized>(&self, image: &I, b: u32) -> Option<u32> {
        image.u32_at(self.buckets.checked_add(u64::from(b) * 4)?)
    }

    pub(super) fn chain<I: Image + ?Sized>(&self, image: &I, index: u32) -> Option<u32> {
        let i = index.checked_sub(self.symoffset)?;
        image.u32_at(self.chains.checked_add(u64::from(i) * 4)?)
    }

    /// The first symbol of `hash`'s bucket whose chained hash matches and
    /// that `accept` takes (the chain's low bit ends it).
    pub(super) fn find<I: Image + ?Sized>(
        &self,
        image: &I,
        hash: u32,
        accept: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        if self.nbuckets == 0 {
            return None;
        }
        let mut index = self.bucket(image, hash % self.nbuckets)?;
        if index < self.symoffset {
            return None;
        }
        // Addresses wrap instead of failing: one that wraps reads nothing.
        let mut chain = self
            .chains
            .wrapping_add(u64::from(index - self.symoffset) * 4);
        for _ in 0..MAX_SYMBOLS {
            let chained = image.u32_at(chain)?;
            if (chained ^ hash) >> 1 == 0 && accept(index) {
                return Some(index);
            }
            if chained & 1 != 0 {
                return None;
            }
            index = index.checked_add(1)?;
            chain = chain.wrapping_add(4);
        }
        None
    }
}
