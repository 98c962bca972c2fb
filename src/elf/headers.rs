//! The ELF header and the program headers: the file's loadable segments,
//! the check that a file holds them all, and the two images (a file, a
//! mapped object).

use super::*;
use std::io;
use std::os::unix::fs::FileExt;

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
    /// Memory ran out while reading it.
    OutOfMemory,
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
            ElfError::OutOfMemory => f.write_str("cannot read it: out of memory"),
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
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn loadable_end(head: &[u8], size: u64) -> Result<u64, ElfError> {
    load_layout(head, size).map(|(end, _)| end)
}

/// The loader's check before `dlopen` of the file whose first bytes are
/// `head` (of `size` bytes): `Truncated` when its loadable segments, or its
/// program headers, reach past its end (mapping it would fault); else its
/// readable segments (`Segments::NONE` when `head` is not ELF this check
/// reads: `dlopen` judges those).
pub(crate) fn mappable(head: &[u8], size: u64) -> Result<Segments, ElfError> {
    match load_layout(head, size) {
        Ok((end, _)) if end > size => Err(ElfError::Truncated {
            need: end,
            have: size,
        }),
        Ok((_, segments)) => Ok(segments),
        Err(e @ ElfError::Truncated { .. }) => Err(e),
        Err(_) => Ok(Segments::NONE),
    }
}

/// The readable loadable segments of an object, by virtual address (no
/// load bias): the only memory a read of the mapped object may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segments {
    /// `[start, end)` of each; objects whose segments lie past 4 GiB get
    /// none (their reads are refused).
    pub(super) ranges: [(u32, u32); Segments::MAX],
    pub(super) count: u8,
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
    pub(super) fn holds(&self, vaddr: u64, len: u64) -> bool {
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
    pub(super) fn end_of(&self, vaddr: u64) -> Option<u64> {
        self.ranges[..usize::from(self.count)]
            .iter()
            .find(|&&(lo, hi)| vaddr >= u64::from(lo) && vaddr < u64::from(hi))
            .map(|&(_, hi)| u64::from(hi))
    }
}

/// Where the loadable segments end in the file, and the readable segments
/// (`PT_LOAD` with `PF_R`, adjacent ones merged; `Segments::NONE` when there
/// are more than it holds), from the same reading of the program headers.
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
                    loads.try_reserve(1).map_err(|_| ElfError::OutOfMemory)?;
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
            .map_err(|_| ElfError::OutOfMemory)?;
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
            .map_err(|_| ElfError::OutOfMemory)?;
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
