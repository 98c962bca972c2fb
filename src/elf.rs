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
use std::io;
use std::os::unix::fs::FileExt;

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
pub(crate) const HEADER_READ: usize = 4096;

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

/// One `PT_LOAD` segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    /// Its file offset.
    pub offset: u64,
    /// Its virtual address.
    pub vaddr: u64,
    /// Its size in the file.
    pub filesz: u64,
    /// Its size in memory.
    pub memsz: u64,
}

/// Why a file cannot be read as a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElfError {
    /// It does not start with the ELF magic.
    NotElf,
    /// An ELF file of a kind this reader does not handle.
    Unsupported(&'static str),
    /// Its headers contradict themselves or the file.
    Malformed(&'static str),
    /// Its loadable segments reach past its end (mapping it would fault).
    Truncated {
        /// Bytes the segments need.
        need: u64,
        /// Bytes the file has.
        have: u64,
    },
    /// Reading it failed.
    Io(String),
}

impl std::fmt::Display for ElfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ElfError::NotElf => f.write_str("not an ELF file"),
            ElfError::Unsupported(what) => write!(f, "not a supported ELF file: {what}"),
            ElfError::Malformed(what) => write!(f, "malformed ELF file: {what}"),
            ElfError::Truncated { need, have } => write!(
                f,
                "it is truncated: its loadable segments need {need} bytes, the file has {have}"
            ),
            ElfError::Io(e) => write!(f, "cannot read it: {e}"),
        }
    }
}

impl std::error::Error for ElfError {}

/// One program header.
#[derive(Debug, Clone, Copy)]
struct Phdr {
    kind: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
    memsz: u64,
}

/// The ELF header's word on the program headers, checked as every reader
/// here needs it: a 64-bit little-endian object, 56-byte entries, all of
/// them inside the file (`Truncated` otherwise). Returns `e_type` and the
/// headers, each `Err` when it lies past what `head` holds.
fn program_headers(
    head: &[u8],
    size: u64,
) -> Result<(u16, impl Iterator<Item = Result<Phdr, ElfError>> + '_), ElfError> {
    let (e_type, phoff, phnum) = header_fields(head, size)?;
    let bad = ElfError::Malformed;
    let headers = (0..phnum).map(move |i| {
        let beyond = bad("program headers beyond what was read");
        let at = usize::try_from(phoff + i * PHDR_SIZE).map_err(|_| beyond.clone())?;
        let field = |off: usize| u64_at(head, at + off);
        match (u32_at(head, at), field(8), field(16), field(32), field(40)) {
            (Some(kind), Some(offset), Some(vaddr), Some(filesz), Some(memsz)) => Ok(Phdr {
                kind,
                offset,
                vaddr,
                filesz,
                memsz,
            }),
            _ => Err(beyond),
        }
    });
    Ok((e_type, headers))
}

/// The ELF header's `e_type`, `e_phoff` and `e_phnum`, checked as
/// [`program_headers`] says.
fn header_fields(head: &[u8], size: u64) -> Result<(u16, u64, u64), ElfError> {
    if head.len() < 4 || &head[..4] != b"\x7fELF" {
        return Err(ElfError::NotElf);
    }
    if head.len() < EHDR_SIZE {
        return Err(ElfError::Malformed("the ELF header is cut short"));
    }
    if head[4] != 2 || head[5] != 1 {
        return Err(ElfError::Unsupported("not a 64-bit little-endian object"));
    }
    let bad = ElfError::Malformed;
    let e_type = u16_at(head, 0x10).ok_or(bad("no e_type"))?;
    let phoff = u64_at(head, 0x20).ok_or(bad("no e_phoff"))?;
    let phentsize = u64::from(u16_at(head, 0x36).ok_or(bad("no e_phentsize"))?);
    let phnum = u64::from(u16_at(head, 0x38).ok_or(bad("no e_phnum"))?);
    if phentsize != PHDR_SIZE {
        return Err(bad("program header entries are not 56 bytes"));
    }
    let ph_end = phnum
        .checked_mul(PHDR_SIZE)
        .and_then(|n| n.checked_add(phoff))
        .ok_or(bad("program headers out of range"))?;
    if ph_end > size {
        return Err(ElfError::Truncated {
            need: ph_end,
            have: size,
        });
    }
    Ok((e_type, phoff, phnum))
}

/// Where the loadable segments of the ELF file whose first bytes are `head`
/// (of a file of `size` bytes) end in the file, read without allocating:
/// the loader's check before `dlopen`. `Truncated` when the program headers
/// themselves lie past the end.
pub(crate) fn loadable_end(head: &[u8], size: u64) -> Result<u64, ElfError> {
    load_layout(head, size).map(|(end, _)| end)
}

/// The readable loadable segments of an object, by virtual address (no
/// load bias): the only memory a read of the mapped object may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    /// `[start, end)` of each; objects whose segments lie past 4 GiB get
    /// none (their reads are refused).
    ranges: [(u32, u32); Segments::MAX],
    count: u8,
}

impl Segments {
    /// Ordinary objects have 2 to 4; an object with more readable
    /// segments than this gets none, and its imports go unchecked.
    const MAX: usize = 16;

    /// None: every read is refused.
    pub(crate) const NONE: Segments = Segments {
        ranges: [(0, 0); Segments::MAX],
        count: 0,
    };

    /// Whether `[vaddr, vaddr + len)` lies inside one of them.
    fn holds(&self, vaddr: u64, len: u64) -> bool {
        let Some(end) = vaddr.checked_add(len) else {
            return false;
        };
        self.ranges[..usize::from(self.count)]
            .iter()
            .any(|&(lo, hi)| vaddr >= u64::from(lo) && end <= u64::from(hi))
    }

    /// Whether `vaddr` lies inside one of them.
    pub(crate) fn holds_address(&self, vaddr: u64) -> bool {
        self.end_of(vaddr).is_some()
    }

    /// The end of the segment holding `vaddr`.
    fn end_of(&self, vaddr: u64) -> Option<u64> {
        self.ranges[..usize::from(self.count)]
            .iter()
            .find(|&&(lo, hi)| vaddr >= u64::from(lo) && vaddr < u64::from(hi))
            .map(|&(_, hi)| u64::from(hi))
    }
}

/// [`loadable_end`], and the readable segments (`PT_LOAD` with `PF_R`,
/// adjacent ones merged; `Segments::NONE` when there are more than it
/// holds), from the same reading of the program headers.
pub(crate) fn load_layout(head: &[u8], size: u64) -> Result<(u64, Segments), ElfError> {
    const PF_R: u32 = 4;
    let (_, phoff, phnum) = header_fields(head, size)?;
    // The whole table is in `head` (program_headers' check of each entry,
    // made once).
    let table = usize::try_from(phoff)
        .ok()
        .and_then(|at| head.get(at..at.checked_add(phnum as usize * PHDR_SIZE as usize)?))
        .ok_or(ElfError::Malformed("program headers beyond what was read"))?;
    let mut end = 0u64;
    let mut segments = Segments::NONE;
    let mut overflow = false;
    for ph in table.chunks_exact(PHDR_SIZE as usize) {
        if u32_at(ph, 0) == Some(PT_LOAD) {
            let load_end = u64_at(ph, 8)
                .zip(u64_at(ph, 32))
                .and_then(|(o, n)| o.checked_add(n));
            end = end.max(load_end.ok_or(ElfError::Malformed("program headers out of range"))?);
            let readable = u32_at(ph, 4).is_some_and(|flags| flags & PF_R != 0);
            let range = u64_at(ph, 16).zip(u64_at(ph, 40)).and_then(|(v, n)| {
                let lo = u32::try_from(v).ok()?;
                Some((lo, u32::try_from(v.checked_add(n)?).ok()?))
            });
            match (readable, range) {
                (false, _) => {}
                (true, None) => overflow = true,
                (true, Some((lo, hi))) => {
                    let n = usize::from(segments.count);
                    if n > 0 && segments.ranges[n - 1].1 == lo {
                        segments.ranges[n - 1].1 = hi;
                    } else if n < Segments::MAX {
                        segments.ranges[n] = (lo, hi);
                        segments.count += 1;
                    } else {
                        overflow = true;
                    }
                }
            }
        }
    }
    Ok((end, if overflow { Segments::NONE } else { segments }))
}

/// A plugin file's ELF and program headers, with as much of its content as
/// was read.
#[derive(Debug, Clone)]
pub struct ElfFile {
    /// The first bytes of the file (all of it after [`ElfFile::read`]).
    bytes: Vec<u8>,
    /// The file's size.
    size: u64,
    loads: Vec<Load>,
    dynamic: Option<(u64, u64)>,
}

impl ElfFile {
    /// Parses the headers from `bytes`, the first bytes of a file of `size`
    /// bytes.
    pub fn parse(bytes: Vec<u8>, size: u64) -> Result<ElfFile, ElfError> {
        let bad = ElfError::Malformed;
        let (e_type, headers) = program_headers(&bytes, size)?;
        if e_type != 3 {
            return Err(ElfError::Unsupported("not a shared object (ET_DYN)"));
        }
        let mut loads = Vec::new();
        let mut dynamic = None;
        for ph in headers {
            let ph = ph?;
            match ph.kind {
                PT_LOAD => {
                    if ph.memsz < ph.filesz {
                        return Err(bad(
                            "a loadable segment is smaller in memory than in the file",
                        ));
                    }
                    if ph.offset.checked_add(ph.filesz).is_none()
                        || ph.vaddr.checked_add(ph.memsz).is_none()
                    {
                        return Err(bad("a loadable segment is out of range"));
                    }
                    loads.push(Load {
                        offset: ph.offset,
                        vaddr: ph.vaddr,
                        filesz: ph.filesz,
                        memsz: ph.memsz,
                    });
                }
                PT_DYNAMIC => dynamic = Some((ph.vaddr, ph.filesz)),
                _ => {}
            }
        }
        if loads.is_empty() {
            return Err(bad("no loadable segment"));
        }
        Ok(ElfFile {
            bytes,
            size,
            loads,
            dynamic,
        })
    }

    /// Reads and parses the headers of `file` (of `size` bytes): one read of
    /// at most `HEADER_READ` bytes.
    pub fn headers(file: &std::fs::File, size: u64) -> Result<ElfFile, ElfError> {
        let len = size.min(HEADER_READ as u64) as usize;
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(len)
            .map_err(|_| ElfError::Io("out of memory".into()))?;
        bytes.resize(len, 0);
        let n = read_fully(file, &mut bytes, 0).map_err(|e| ElfError::Io(e.to_string()))?;
        bytes.truncate(n);
        ElfFile::parse(bytes, size)
    }

    /// The readable segments its program headers give (see
    /// [`load_layout`]; none when they cannot be read).
    pub(crate) fn readable_segments(&self) -> Segments {
        let head = &self.bytes[..self.bytes.len().min(HEADER_READ)];
        load_layout(head, self.size).map_or(Segments::NONE, |(_, segments)| segments)
    }

    /// Reads `file` (of `size` bytes) whole, if it is at most `limit` bytes,
    /// and parses it; a larger file is refused without reading more than its
    /// headers.
    pub fn read(file: &std::fs::File, size: u64, limit: u64) -> Result<ElfFile, ElfError> {
        let head = ElfFile::headers(file, size)?;
        head.complete()?;
        if size > limit {
            return Err(ElfError::Io(format!(
                "it is {size} bytes, more than the {limit} bytes read of a plugin"
            )));
        }
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(size as usize)
            .map_err(|_| ElfError::Io("out of memory".into()))?;
        bytes.resize(size as usize, 0);
        let n = read_fully(file, &mut bytes, 0).map_err(|e| ElfError::Io(e.to_string()))?;
        bytes.truncate(n);
        ElfFile::parse(bytes, n as u64)
    }

    /// Reads the file at `path` whole (see [`ElfFile::read`]), refusing
    /// anything that is not a regular file without opening it for long.
    pub fn open(path: &std::path::Path, limit: u64) -> Result<ElfFile, ElfError> {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO must not wait for a writer.
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
            .map_err(|e| ElfError::Io(e.to_string()))?;
        let meta = file.metadata().map_err(|e| ElfError::Io(e.to_string()))?;
        if !meta.is_file() {
            return Err(ElfError::Io("not a regular file".into()));
        }
        ElfFile::read(&file, meta.len(), limit)
    }

    /// The file's size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Its loadable segments.
    pub fn loads(&self) -> &[Load] {
        &self.loads
    }

    /// Where its loadable segments end in the file.
    pub fn loadable_end(&self) -> u64 {
        self.loads
            .iter()
            .map(|l| l.offset.saturating_add(l.filesz))
            .max()
            .unwrap_or(0)
    }

    /// Whether the file holds every byte its loadable segments map: the
    /// dynamic linker maps them whole, and touching a page past the end of
    /// the file kills the process with SIGBUS.
    pub fn complete(&self) -> Result<(), ElfError> {
        let need = self.loadable_end();
        if need > self.size {
            return Err(ElfError::Truncated {
                need,
                have: self.size,
            });
        }
        Ok(())
    }

    /// The file's dynamic section, if it has one and it was read.
    pub fn dynamic(&self) -> Option<Dynamic<'_, ElfFile>> {
        let (vaddr, len) = self.dynamic?;
        Dynamic::read(self, vaddr, Some(len))
    }
}

impl Image for ElfFile {
    fn bytes(&self, vaddr: u64, len: u64) -> Option<&[u8]> {
        let load = self
            .loads
            .iter()
            .find(|l| vaddr >= l.vaddr && vaddr - l.vaddr < l.filesz)?;
        let within = vaddr - load.vaddr;
        if len > load.filesz - within {
            return None;
        }
        let start = usize::try_from(load.offset.checked_add(within)?).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.bytes.get(start..end)
    }
}

/// Reads from `offset` until `buf` is full or the file ends; the count read.
fn read_fully(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// The memory of an object the dynamic linker mapped, by the addresses of
/// its own headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MappedImage {
    bias: u64,
}

impl MappedImage {
    /// The image of an object mapped with load bias `bias`.
    ///
    /// # Safety
    /// The object stays mapped while the image is used, and its dynamic
    /// section and the tables it names are the dynamic linker's: the
    /// addresses and sizes they give lie inside the object's mapping (the
    /// dynamic linker relied on them to load it).
    pub(crate) unsafe fn new(bias: u64) -> MappedImage {
        MappedImage { bias }
    }

    /// Its load bias.
    pub(crate) fn bias(&self) -> u64 {
        self.bias
    }
}

impl Image for MappedImage {
    fn bytes(&self, vaddr: u64, len: u64) -> Option<&[u8]> {
        let addr = self.bias.checked_add(vaddr)?;
        if addr == 0 || len > isize::MAX as u64 {
            return None;
        }
        // SAFETY: MappedImage::new's contract: the object is mapped and the
        // ranges its own tables describe are inside its mapping.
        Some(unsafe { std::slice::from_raw_parts(addr as *const u8, len as usize) })
    }

    fn c_str_at(&self, vaddr: u64, _max: u64) -> Option<&CStr> {
        let addr = self.bias.checked_add(vaddr)?;
        if addr == 0 {
            return None;
        }
        // SAFETY: as in `bytes`: the object's own tables point at
        // NUL-terminated strings inside its string table, which is mapped.
        Some(unsafe { CStr::from_ptr(addr as *const std::ffi::c_char) })
    }

    fn dyn_ptr(&self, value: u64) -> u64 {
        // glibc stores the table addresses of a loaded object already
        // relocated; other dynamic linkers may not.
        if value >= self.bias && self.bias != 0 {
            value - self.bias
        } else {
            value
        }
    }
}

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

/// What an object's dynamic section says, read from an [`Image`].
#[derive(Debug, Clone)]
pub struct Dynamic<'i, I: Image + ?Sized> {
    image: &'i I,
    symtab: u64,
    strtab: u64,
    strsz: u64,
    hash: u64,
    gnu_hash: u64,
    rela: u64,
    relasz: u64,
    jmprel: u64,
    pltrelsz: u64,
    pltrel: u64,
    versym: u64,
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
    pub fn lazy_imports<'s>(&'s self, within: Option<&'s Segments>) -> LazyImports<'i, 's, I> {
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
    pub(crate) fn gnu_lookup(&self) -> Option<GnuLookup<&'i I>> {
        self.gnu_lookup_in(self.image)
    }

    /// [`Dynamic::gnu_lookup`], reading through `image`: another image of
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
pub struct LazyImports<'i, 's, I: Image + ?Sized> {
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
    image: I,
    bloom: u64,
    bloom_mask: u32,
    shift: u32,
    table: GnuHash,
    symtab: u64,
    strtab: u64,
    strsz: u64,
    versym: u64,
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

/// The header of a GNU hash table.
#[derive(Debug, Clone, Copy)]
struct GnuHash {
    nbuckets: u32,
    symoffset: u32,
    buckets: u64,
    chains: u64,
}

impl GnuHash {
    fn read<I: Image + ?Sized>(image: &I, at: u64) -> Option<GnuHash> {
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

    fn bucket<I: Image + ?Sized>(&self, image: &I, b: u32) -> Option<u32> {
        image.u32_at(self.buckets.checked_add(u64::from(b) * 4)?)
    }

    fn chain<I: Image + ?Sized>(&self, image: &I, index: u32) -> Option<u32> {
        let i = index.checked_sub(self.symoffset)?;
        image.u32_at(self.chains.checked_add(u64::from(i) * 4)?)
    }

    /// The first symbol of `hash`'s bucket whose chained hash matches and
    /// that `accept` takes (the chain's low bit ends it).
    fn find<I: Image + ?Sized>(
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

/// Runs every reader of this module (and the descriptor reader) over
/// `bytes` as a file of `bytes.len()` bytes: what the mutation tests and the
/// long fuzzing run exercise. Returns how many symbols were seen, so the
/// work cannot be optimised away.
#[doc(hidden)]
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
#[doc(hidden)]
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
#[doc(hidden)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn libc_path() -> &'static str {
        // The C library of the machine running the tests: a real shared object.
        [
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/aarch64-linux-gnu/libc.so.6",
            "/usr/lib64/libc.so.6",
        ]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("the machine's C library")
    }

    #[test]
    fn rejects_what_is_not_elf() {
        assert_eq!(
            ElfFile::parse(b"hello world".to_vec(), 11).unwrap_err(),
            ElfError::NotElf
        );
        for short in [&b"\x7fELF"[..], b"\x7fELF\x02", b"\x7fELF\x02\x01\x01"] {
            assert!(matches!(
                ElfFile::parse(short.to_vec(), short.len() as u64),
                Err(ElfError::Malformed(_))
            ));
        }
    }

    #[test]
    fn reads_the_c_library() {
        let elf = ElfFile::open(std::path::Path::new(libc_path()), 64 << 20).unwrap();
        elf.complete().unwrap();
        let dynamic = elf.dynamic().expect("libc has a dynamic section");
        let malloc = dynamic.lookup(c"malloc").expect("libc defines malloc");
        assert!(malloc.is_defined());
        assert_eq!(malloc.kind(), STT_FUNC);
        assert!(dynamic.lookup(c"CR_PLUGIN_DESC").is_none());
        let names: Vec<_> = dynamic.symbols().map(|(_, n)| n.to_owned()).collect();
        assert!(names.iter().any(|n| n.as_c_str() == c"free"));
        assert!(names.len() > 1000);
    }

    /// Mutations of a real shared object never make a reader panic or
    /// loop: bounded, deterministic, on stable Rust (`make fuzz` runs the
    /// same for as long as asked).
    #[test]
    fn mutated_objects_never_panic() {
        let base = std::fs::read(libc_path()).unwrap();
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        assert!(exercise(&base) > 1000);
        for _ in 0..1000 {
            let bytes = mutate(&base, &mut rng);
            exercise(&bytes);
        }
        for cut in [0, 1, 4, 5, 63, 64, 65, 200, 4000] {
            exercise(&base[..cut]);
        }
    }

    /// The bloom-filtered lookup says yes for exactly the names the symbol
    /// table holds in a bindable form, and no for names it lacks.
    #[test]
    fn quick_lookup_agrees_with_the_table() {
        let elf = ElfFile::open(std::path::Path::new(libc_path()), 64 << 20).unwrap();
        let d = elf.dynamic().unwrap();
        let g = d.gnu_lookup().expect("libc has a GNU hash table");
        let mut expected = std::collections::HashMap::<Vec<u8>, bool>::new();
        for i in 1..d.symbol_count().unwrap() {
            let sym = d.symbol(i).unwrap();
            let Some(name) = d.name(&sym) else { continue };
            let version = (d.versym != 0)
                .then(|| elf.u32_at(d.versym + u64::from(i) * 2).map(|v| v as u16))
                .flatten();
            let bindable = sym.is_defined()
                && matches!(sym.info >> 4, STB_GLOBAL | STB_WEAK | STB_GNU_UNIQUE)
                && matches!(
                    sym.kind(),
                    0 | STT_OBJECT | STT_FUNC | STT_COMMON | STT_TLS | STT_GNU_IFUNC
                )
                && (sym.value != 0 || sym.kind() == STT_TLS || sym.shndx == SHN_ABS)
                && version.is_none_or(|v| v != 0 && v & VERSYM_HIDDEN == 0);
            *expected.entry(name.to_bytes().to_vec()).or_default() |= bindable;
        }
        assert!(expected.len() > 1000);
        assert!(expected[&b"malloc"[..]] && expected[&b"memcpy"[..]]);
        for (name, bindable) in &expected {
            assert_eq!(
                g.defines(name, gnu_hash(name)),
                *bindable,
                "{}",
                String::from_utf8_lossy(name)
            );
        }
        for absent in [&b"no_such_function_anywhere"[..], b"mallo", b"mallocx", b""] {
            assert!(!expected.contains_key(absent));
            assert!(!g.defines(absent, gnu_hash(absent)));
        }
    }

    /// The readable segments come from the program headers: every PT_LOAD
    /// with PF_R, and reads are bounded by them.
    #[test]
    fn readable_segments_of_the_c_library() {
        let bytes = std::fs::read(libc_path()).unwrap();
        let elf = ElfFile::parse(bytes.clone(), bytes.len() as u64).unwrap();
        let (end, segments) = load_layout(&bytes[..HEADER_READ], bytes.len() as u64).unwrap();
        assert_eq!(end, elf.loadable_end());
        assert!(segments.count >= 2);
        let d = elf.dynamic().unwrap();
        assert!(segments.holds_address(d.symtab) && segments.holds_address(d.strtab));
        let (lo, hi) = segments.ranges[usize::from(segments.count) - 1];
        assert!(segments.holds(u64::from(lo), u64::from(hi - lo)));
        assert!(!segments.holds(u64::from(hi), 1));
        assert!(!segments.holds(u64::from(hi) - 1, 2));
        assert!(!segments.holds(u64::MAX, 2));
        // Every import libc binds lazily is inside, so none is left out.
        assert_eq!(
            d.lazy_imports(Some(&segments)).count(),
            d.lazy_imports(None).count()
        );
        assert_eq!(d.lazy_imports(Some(&Segments::NONE)).count(), 0);
    }

    #[test]
    fn a_cut_file_is_truncated() {
        let bytes = std::fs::read(libc_path()).unwrap();
        let cut = ElfFile::parse(bytes[..4000].to_vec(), 4000).unwrap();
        match cut.complete() {
            Err(ElfError::Truncated { need, have }) => {
                assert_eq!(have, 4000);
                assert!(need > 4000);
            }
            other => panic!("expected truncated, got {other:?}"),
        }
    }
}
