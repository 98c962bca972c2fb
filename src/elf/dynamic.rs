//! The dynamic section and what it names: symbols, strings, relocations,
//! the lazily bound imports, the needed objects.

use super::*;

/// A dynamic symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol {
    /// Offset of its name in the string table.
    pub name: u32,
    /// Binding and type.
    pub info: u8,
    /// Its section; 0 (`SHN_UNDEF`) when the object imports it.
    pub shndx: u16,
    /// Its address in the object's address space.
    pub value: u64,
    /// Its size in bytes.
    pub size: u64,
}

impl Symbol {
    /// Defined in the object (not an import).
    pub fn is_defined(&self) -> bool {
        self.shndx != 0
    }

    /// Weak binding: may stay unresolved.
    pub fn is_weak(&self) -> bool {
        self.info >> 4 == STB_WEAK
    }

    /// Its type (`STT_*`).
    pub fn kind(&self) -> u8 {
        self.info & 0xf
    }

    /// Its type in words, for messages.
    pub fn kind_words(&self) -> &'static str {
        match self.kind() {
            0 => "a symbol without a type",
            STT_OBJECT => "a data object",
            STT_FUNC => "a function",
            3 => "a section",
            4 => "a file name",
            STT_COMMON => "a common data object",
            STT_TLS => "a thread-local variable",
            STT_GNU_IFUNC => "an indirect function",
            _ => "a symbol of an unknown type",
        }
    }
}

/// A relocation with an addend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rela {
    /// The address it writes.
    pub offset: u64,
    /// Its type (`R_*`).
    pub kind: u32,
    /// The symbol it refers to.
    pub symbol: u32,
    /// The addend.
    pub addend: i64,
}

impl Rela {
    fn parse(b: &[u8]) -> Option<Rela> {
        let info = u64_at(b, 8)?;
        Some(Rela {
            offset: u64_at(b, 0)?,
            kind: info as u32,
            symbol: (info >> 32) as u32,
            addend: u64_at(b, 16)? as i64,
        })
    }

    /// Whether it stores the load address plus the addend.
    pub fn is_relative(&self) -> bool {
        self.kind == R_X86_64_RELATIVE || self.kind == R_AARCH64_RELATIVE
    }

    /// Whether it stores a symbol's address plus the addend.
    pub fn is_absolute(&self) -> bool {
        self.kind == R_X86_64_64 || self.kind == R_AARCH64_ABS64
    }
}

/// What an object's dynamic section says, read from an image (a file, or a mapped object).
#[derive(Debug, Clone)]
pub struct Dynamic<'i, I: Image + ?Sized> {
    image: &'i I,
    pub(super) symtab: u64,
    pub(super) strtab: u64,
    strsz: u64,
    hash: u64,
    gnu_hash: u64,
    rela: u64,
    relasz: u64,
    jmprel: u64,
    pltrelsz: u64,
    pltrel: u64,
    pub(super) versym: u64,
    /// Where the section is and how many entries were read (for `needed`).
    at: u64,
    entries: u64,
}

impl<'i, I: Image + ?Sized> Dynamic<'i, I> {
    /// Reads the dynamic section at `vaddr` (`len` bytes when known; up to
    /// its DT_NULL entry otherwise).
    pub fn read(image: &'i I, vaddr: u64, len: Option<u64>) -> Option<Dynamic<'i, I>> {
        let mut d = Dynamic {
            image,
            symtab: 0,
            strtab: 0,
            strsz: 0,
            hash: 0,
            gnu_hash: 0,
            rela: 0,
            relasz: 0,
            jmprel: 0,
            pltrelsz: 0,
            pltrel: DT_RELA,
            versym: 0,
            at: vaddr,
            entries: 0,
        };
        let entries = len.map_or(MAX_DYNAMIC, |l| (l / DYN_SIZE).min(MAX_DYNAMIC));
        for i in 0..entries {
            let at = vaddr.checked_add(i * DYN_SIZE)?;
            let entry = image.bytes(at, DYN_SIZE)?;
            let (tag, value) = (u64_at(entry, 0)?, u64_at(entry, 8)?);
            d.entries = i + 1;
            match tag {
                DT_NULL => break,
                DT_SYMTAB => d.symtab = image.dyn_ptr(value),
                DT_STRTAB => d.strtab = image.dyn_ptr(value),
                DT_STRSZ => d.strsz = value,
                DT_HASH => d.hash = image.dyn_ptr(value),
                DT_GNU_HASH => d.gnu_hash = image.dyn_ptr(value),
                DT_RELA => d.rela = image.dyn_ptr(value),
                DT_RELASZ => d.relasz = value,
                DT_JMPREL => d.jmprel = image.dyn_ptr(value),
                DT_PLTRELSZ => d.pltrelsz = value,
                DT_PLTREL => d.pltrel = value,
                DT_VERSYM => d.versym = image.dyn_ptr(value),
                _ => {}
            }
        }
        (d.symtab != 0 && d.strtab != 0).then_some(d)
    }

    /// Symbol number `index`.
    pub fn symbol(&self, index: u32) -> Option<Symbol> {
        let at = self
            .symtab
            .checked_add(u64::from(index).checked_mul(SYM_SIZE)?)?;
        let b = self.image.bytes(at, SYM_SIZE)?;
        Some(Symbol {
            name: u32_at(b, 0)?,
            info: *b.get(4)?,
            shndx: u16_at(b, 6)?,
            value: u64_at(b, 8)?,
            size: u64_at(b, 16)?,
        })
    }

    /// The string at offset `offset` of the string table.
    pub fn string(&self, offset: u64) -> Option<&'i CStr> {
        if self.strsz != 0 && offset >= self.strsz {
            return None;
        }
        let max = if self.strsz != 0 {
            (self.strsz - offset).min(MAX_NAME)
        } else {
            MAX_NAME
        };
        self.image.c_str_at(self.strtab.checked_add(offset)?, max)
    }

    /// A symbol's name.
    pub fn name(&self, sym: &Symbol) -> Option<&'i CStr> {
        self.string(u64::from(sym.name))
    }

    /// How many symbols the table holds, as its hash table says.
    pub fn symbol_count(&self) -> Option<u32> {
        if self.hash != 0 {
            let nchain = self.image.u32_at(self.hash.checked_add(4)?)?;
            return Some(nchain.min(MAX_SYMBOLS as u32));
        }
        if self.gnu_hash == 0 {
            return None;
        }
        let g = GnuHash::read(self.image, self.gnu_hash)?;
        // The highest bucket start, then to the end of its chain.
        let mut last = 0u32;
        for b in 0..g.nbuckets {
            last = last.max(g.bucket(self.image, b)?);
        }
        if last < g.symoffset {
            return Some(g.symoffset);
        }
        let mut index = last;
        loop {
            if u64::from(index) >= MAX_SYMBOLS {
                return None;
            }
            if g.chain(self.image, index)? & 1 != 0 {
                return Some(index + 1);
            }
            index += 1;
        }
    }

    /// Every symbol with its name, the null symbol left out.
    pub fn symbols(&self) -> impl Iterator<Item = (Symbol, &'i CStr)> + '_ {
        let count = self.symbol_count().unwrap_or(0);
        (1..count).filter_map(move |i| {
            let sym = self.symbol(i)?;
            let name = self.name(&sym)?;
            (!name.is_empty()).then_some((sym, name))
        })
    }

    /// Looks `name` up through the hash table (GNU's, else the SysV one),
    /// as the dynamic linker does.
    pub fn lookup(&self, name: &CStr) -> Option<Symbol> {
        let bytes = name.to_bytes();
        if self.gnu_hash != 0 {
            let g = GnuHash::read(self.image, self.gnu_hash)?;
            let named = |index| {
                self.symbol(index)
                    .and_then(|sym| self.name(&sym))
                    .is_some_and(|n| n == name)
            };
            return self.symbol(g.find(self.image, gnu_hash(bytes), named)?);
        }
        if self.hash != 0 {
            let nbucket = self.image.u32_at(self.hash)?;
            let nchain = self.image.u32_at(self.hash.checked_add(4)?)?;
            if nbucket == 0 {
                return None;
            }
            let hash = bytes.iter().fold(0u32, |h, &b| {
                let h = (h << 4).wrapping_add(u32::from(b));
                (h ^ ((h & 0xf000_0000) >> 24)) & 0x0fff_ffff
            });
            let buckets = self.hash.checked_add(8)?;
            let chains = buckets.checked_add(u64::from(nbucket) * 4)?;
            let mut index = self.image.u32_at(buckets + u64::from(hash % nbucket) * 4)?;
            for _ in 0..nchain.min(MAX_SYMBOLS as u32) {
                if index == 0 || index >= nchain {
                    return None;
                }
                let sym = self.symbol(index)?;
                if self.name(&sym).is_some_and(|n| n == name) {
                    return Some(sym);
                }
                index = self.image.u32_at(chains + u64::from(index) * 4)?;
            }
        }
        None
    }

    /// The relocations of `DT_RELA` and, when they have addends, of
    /// `DT_JMPREL` (the PLT).
    pub fn relocations(&self) -> impl Iterator<Item = Rela> + '_ {
        let plt = if self.pltrel == DT_RELA {
            (self.jmprel, self.pltrelsz)
        } else {
            (0, 0)
        };
        [(self.rela, self.relasz), plt]
            .into_iter()
            .filter(|(at, _)| *at != 0)
            .flat_map(move |(at, size)| {
                (0..(size / RELA_SIZE).min(MAX_SYMBOLS)).map_while(move |i| {
                    let b = self
                        .image
                        .bytes(at.checked_add(i * RELA_SIZE)?, RELA_SIZE)?;
                    Rela::parse(b)
                })
            })
    }

    /// The undefined, non-weak symbols the object binds lazily (its PLT
    /// relocations): with `RTLD_LAZY` the only ones `dlopen` leaves
    /// unresolved. The dynamic linker follows none of their symbol indices
    /// before the first call, so with `within` (the object's readable
    /// segments) a symbol entry or name outside them is not read: such an
    /// import is left out.
    pub(crate) fn lazy_imports<'s>(
        &'s self,
        within: Option<&'s Segments>,
    ) -> LazyImports<'i, 's, I> {
        let (at, size) = if self.pltrel == DT_RELA {
            (self.jmprel, self.pltrelsz)
        } else {
            (0, 0)
        };
        let count = if at == 0 {
            0
        } else {
            (size / RELA_SIZE).min(MAX_SYMBOLS)
        };
        LazyImports {
            dynamic: self,
            within,
            at,
            next: 0,
            count,
        }
    }

    /// The lazily bound import of PLT relocation `i`, if it is one (see
    /// [`Dynamic::lazy_imports`]).
    #[inline]
    fn lazy_import(&self, at: u64, i: u64, within: Option<&Segments>) -> Option<&'i CStr> {
        // r_info's symbol index, then the three fields of the symbol the
        // test needs.
        let info = self.image.u64_at(at.wrapping_add(i * RELA_SIZE + 8))?;
        let index = u64::from((info >> 32) as u32);
        let entry = self.symtab.wrapping_add(index * SYM_SIZE);
        if within.is_some_and(|w| !w.holds(entry, SYM_SIZE)) {
            return None;
        }
        let sym = self.image.bytes(entry, SYM_SIZE)?;
        let (name, bind, shndx) = (u32_at(sym, 0)?, sym[4] >> 4, u16_at(sym, 6)?);
        if shndx != 0 || bind == STB_WEAK || name == 0 {
            return None;
        }
        let Some(within) = within else {
            return self.string(u64::from(name));
        };
        // The name must end inside the segment it starts in.
        let start = self.strtab.checked_add(u64::from(name))?;
        let room = within.end_of(start)?.checked_sub(start)?.min(MAX_NAME);
        let bytes = self.image.bytes(start, room)?;
        // SAFETY: strnlen reads at most bytes.len() bytes, all in the slice.
        let len = unsafe { libc::strnlen(bytes.as_ptr().cast(), bytes.len()) };
        if len >= bytes.len() {
            return None;
        }
        // SAFETY: bytes[len] is the first NUL (strnlen), so the slice is
        // a C string without an interior NUL.
        Some(unsafe { CStr::from_bytes_with_nul_unchecked(&bytes[..len + 1]) })
    }

    /// The libraries it needs (`DT_NEEDED`), in order (at most 16).
    pub fn needed(&self) -> impl Iterator<Item = &'i CStr> + '_ {
        (0..self.entries)
            .filter_map(move |i| {
                let entry = self.image.bytes(self.at + i * DYN_SIZE, DYN_SIZE)?;
                (u64_at(entry, 0)? == DT_NEEDED).then(|| u64_at(entry, 8))?
            })
            .take(16)
            .filter_map(move |off| self.string(off))
    }

    /// The GNU hash table with what a quick lookup needs, when the object
    /// has one.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn gnu_lookup(&self) -> Option<GnuLookup<&'i I>> {
        self.gnu_lookup_in(self.image)
    }

    /// The GNU hash table with what a quick lookup needs, read through `image`: another image of
    /// the same object (an owned one, to keep the lookup).
    pub(crate) fn gnu_lookup_in<J: Image>(&self, image: J) -> Option<GnuLookup<J>> {
        if self.gnu_hash == 0 {
            return None;
        }
        let at = self.gnu_hash;
        let bloom_words = self.image.u32_at(at.checked_add(8)?)?;
        let shift = self.image.u32_at(at.checked_add(12)?)?;
        let table = GnuHash::read(self.image, at)?;
        // The dynamic linker masks the bloom word's index: the table is
        // only usable with a power of two of words.
        (bloom_words.is_power_of_two() && shift < 32).then_some(GnuLookup {
            image,
            bloom: at + 16,
            bloom_mask: bloom_words - 1,
            shift,
            table,
            symtab: self.symtab,
            strtab: self.strtab,
            strsz: self.strsz,
            versym: self.versym,
        })
    }

    /// The pointer the object holds at `vaddr` once loaded, as an address
    /// in its own address space: what a relative or absolute relocation
    /// stores there (the symbol's address for the latter), else the value
    /// in the image. `None` when nothing sets it.
    pub fn pointer_at(&self, vaddr: u64) -> Option<u64> {
        for r in self.relocations() {
            if r.offset != vaddr {
                continue;
            }
            if r.is_relative() {
                return Some(r.addend as u64);
            }
            if r.is_absolute() {
                let sym = self.symbol(r.symbol)?;
                return sym
                    .is_defined()
                    .then(|| sym.value.wrapping_add(r.addend as u64));
            }
            // Some other relocation sets it (to an imported symbol).
            return Some(0);
        }
        self.image.u64_at(vaddr).filter(|&v| v != 0)
    }

    /// Whether anything sets the pointer at `vaddr` at load time (a value
    /// in the image or any relocation).
    pub fn pointer_is_set(&self, vaddr: u64) -> bool {
        self.pointer_at(vaddr).is_some()
    }

    /// The image these tables are read from.
    pub fn image(&self) -> &'i I {
        self.image
    }
}

/// See [`Dynamic::lazy_imports`].
pub(crate) struct LazyImports<'i, 's, I: Image + ?Sized> {
    dynamic: &'s Dynamic<'i, I>,
    within: Option<&'s Segments>,
    at: u64,
    next: u64,
    count: u64,
}

impl<'i, I: Image + ?Sized> Iterator for LazyImports<'i, '_, I> {
    type Item = &'i CStr;

    #[inline]
    fn next(&mut self) -> Option<&'i CStr> {
        while self.next < self.count {
            let i = self.next;
            self.next += 1;
            if let Some(name) = self.dynamic.lazy_import(self.at, i, self.within) {
                return Some(name);
            }
        }
        None
    }
}

impl<T: Image + ?Sized> Image for &T {
    fn bytes(&self, vaddr: u64, len: u64) -> Option<&[u8]> {
        (**self).bytes(vaddr, len)
    }
    fn dyn_ptr(&self, value: u64) -> u64 {
        (**self).dyn_ptr(value)
    }
    fn c_str_at(&self, vaddr: u64, max: u64) -> Option<&CStr> {
        (**self).c_str_at(vaddr, max)
    }
}
