//! Reading CRIU's `inventory.img` to learn which plugins a set of images needs.
//!
//! # File layout
//!
//! * A 32-bit magic word, `0x58313116`, in the byte order of the machine that
//!   wrote the images (little-endian on `x86_64`, `AArch64`, ...; big-endian on
//!   s390x). Both orders are accepted; the order found is reported. Unlike
//!   every other image, the inventory has no leading "common image" word
//!   (`0x54564319`) or "service file" word (`0x55105940`) before its magic:
//!   CRIU reads the inventory first, and its version tells how the other
//!   images are headed. CRIU rejects an inventory that carries such a word,
//!   and so does this module.
//! * One entry: a 32-bit size in the same byte order, then that many bytes of
//!   a protobuf (proto2) `inventory_entry` message. CRIU reads this one entry
//!   only; bytes after it are ignored by CRIU and counted here in
//!   [`Inventory::trailing_bytes`].
//!
//! # Fields relied on
//!
//! Field numbers are the same in CRIU 4.1.1 and 4.2 (4.2 only adds field 14).
//!
//! | no. | name                  | protobuf type            | first in |
//! |-----|-----------------------|--------------------------|----------|
//! | 1   | `img_version`         | uint32, required         |          |
//! | 6   | `lsmtype`             | enum: 0 none, 1 `SELinux`, 2 `AppArmor` | |
//! | 8   | `dump_uptime`         | uint64                   |          |
//! | 9   | `pre_dump_mode`       | uint32: 1 splice, 2 read | 3.14     |
//! | 10  | `tcp_close`           | bool                     | 3.15     |
//! | 11  | `network_lock_method` | uint32: 0 iptables, 1 nftables, 2 skip | 3.16 |
//! | 12  | `plugins_entry`       | message `plugins_entry`  | 4.1      |
//! | 13  | `dump_criu_run_id`    | string                   | 4.1      |
//! | 14  | `allow_uprobes`       | bool                     | 4.2      |
//!
//! The `plugins_entry` message holds one field, number 12: `repeated string
//! plugins`. It wraps the list so that "no list" (images from a CRIU before
//! 4.1, which then requires no particular plugin) can be told apart from "an
//! empty list" (a newer CRIU that needed none): see [`Plugins`].
//!
//! Fields 2 (`fdinfo_per_id`, bool), 3 (`root_ids`, a message), 4
//! (`ns_per_id`, bool) and 5 (`root_cg_set`, uint32) are checked for their
//! wire type and otherwise skipped; the inside of `root_ids` is not decoded.
//! Unknown field numbers are skipped, as protobuf requires.
//!
//! # Decoding rules
//!
//! A field of the wrong wire type for its number is an error (protobuf-c,
//! which CRIU uses, refuses such a message too). Groups (wire types 3 and
//! 4) and the undefined wire types 6 and 7 are errors. A scalar field given twice keeps
//! its last value; a `plugins_entry` given twice has its lists joined, as
//! protobuf merges repeated embedded messages. 32-bit fields keep the low 32
//! bits of their varint, as protobuf decoders do.
//!
//! Plugin names must be valid UTF-8 and free of NUL bytes, or the file is
//! reported as malformed with the offset of the first bad byte: CRIU compares
//! the stored bytes with the names plugins register (and a C string ends at
//! a NUL), so a repaired name would show a plugin other than the one CRIU
//! looks for.
//! `dump_criu_run_id` is only shown, so invalid UTF-8 there is replaced by
//! U+FFFD instead of failing the whole file.
//!
//! Every offset in an error counts bytes from the start of the file.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Magic word of `inventory.img`.
pub const INVENTORY_MAGIC: u32 = 0x5831_3116;
/// Word that heads every other CRIU image of images version 1.1.
pub const IMG_COMMON_MAGIC: u32 = 0x5456_4319;
/// Word that heads CRIU's service files (`stats-*`, `irmap-cache`).
pub const IMG_SERVICE_MAGIC: u32 = 0x5510_5940;

/// [`read`] refuses files larger than this many bytes.
pub const MAX_FILE_SIZE: usize = 1 << 20;
const MAX_FILE_SIZE_U64: u64 = 1 << 20;
/// Largest entry [`parse`] accepts: what fits in [`MAX_FILE_SIZE`] after
/// the magic and size words.
pub const MAX_ENTRY_SIZE: usize = MAX_FILE_SIZE - 8;

/// Byte order of the magic and size words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    fn word(self, bytes: [u8; 4]) -> u32 {
        match self {
            ByteOrder::Little => u32::from_le_bytes(bytes),
            ByteOrder::Big => u32::from_be_bytes(bytes),
        }
    }
}

/// What the inventory says about plugins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plugins {
    /// No `plugins_entry`: written by a CRIU before 4.1. CRIU then requires
    /// no particular plugin and lets every plugin it loads take part.
    NotRecorded,
    /// A `plugins_entry` was present: CRIU's restore fails unless each named
    /// plugin is loaded. Names are in file order (CRIU writes them in the
    /// reverse of the order it added them); an empty list means none needed.
    Recorded(Vec<String>),
}

impl Plugins {
    /// The recorded names, or `None` when no list was recorded.
    #[must_use]
    pub fn names(&self) -> Option<&[String]> {
        match self {
            Plugins::NotRecorded => None,
            Plugins::Recorded(names) => Some(names),
        }
    }
}

/// The decoded parts of an inventory image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// Images version: 1 for the oldest images, 2 for images version 1.1
    /// (current CRIU writes 2; CRIU refuses other values).
    pub img_version: u32,
    pub plugins: Plugins,
    /// Linux security module of the dumping host (see [`lsm_name`]).
    pub lsmtype: Option<i32>,
    /// Written on pre-dumps (see [`pre_dump_mode_name`]).
    pub pre_dump_mode: Option<u32>,
    /// See [`network_lock_name`]. Absent in images older than 3.16, which
    /// CRIU restores as iptables.
    pub network_lock_method: Option<u32>,
    /// Images were dumped with `--tcp-close`; restore needs it too.
    pub tcp_close: Option<bool>,
    /// Images were dumped with `--allow-uprobes` (4.2); restore needs it too.
    pub allow_uprobes: Option<bool>,
    /// Uptime of the dumping host, recorded with `--track-mem`.
    pub dump_uptime: Option<u64>,
    /// Identifier of the CRIU run that dumped (4.1); lossily decoded.
    pub dump_criu_run_id: Option<String>,
    /// Byte order of the magic and size words.
    pub byte_order: ByteOrder,
    /// Bytes after the one entry; CRIU ignores them.
    pub trailing_bytes: usize,
}

/// Name of an `lsmtype` value.
// Only the tests name the values; the tool shows none of these fields.
#[cfg_attr(not(test), allow(dead_code))]
#[must_use]
pub fn lsm_name(value: i32) -> Option<&'static str> {
    match value {
        0 => Some("none"),
        1 => Some("SELinux"),
        2 => Some("AppArmor"),
        _ => None,
    }
}

/// Name of a `network_lock_method` value.
// Only the tests name the values; the tool shows none of these fields.
#[cfg_attr(not(test), allow(dead_code))]
#[must_use]
pub fn network_lock_name(value: u32) -> Option<&'static str> {
    match value {
        0 => Some("iptables"),
        1 => Some("nftables"),
        2 => Some("skip"),
        _ => None,
    }
}

/// Name of a `pre_dump_mode` value.
// Only the tests name the values; the tool shows none of these fields.
#[cfg_attr(not(test), allow(dead_code))]
#[must_use]
pub fn pre_dump_mode_name(value: u32) -> Option<&'static str> {
    match value {
        1 => Some("splice"),
        2 => Some("read"),
        _ => None,
    }
}

/// Why an inventory could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryError {
    /// The path does not exist.
    NotFound { path: PathBuf },
    /// Another failure of the file system.
    Io {
        path: PathBuf,
        kind: io::ErrorKind,
        message: String,
    },
    /// The path is a directory, FIFO, socket, device, ...
    NotRegular { path: PathBuf, kind: &'static str },
    /// The file holds more than [`MAX_FILE_SIZE`] bytes.
    TooLarge { path: PathBuf, limit: usize },
    /// No bytes at all.
    Empty,
    /// The data ends inside `what`, which starts at byte `offset`.
    Truncated {
        what: &'static str,
        offset: usize,
        expected: usize,
        got: usize,
    },
    /// The first word is not the inventory magic. `found` and `next` are the
    /// first and second words read as little-endian.
    ForeignMagic { found: u32, next: Option<u32> },
    /// The entry size is above [`MAX_ENTRY_SIZE`].
    OversizedEntry { declared: u32, limit: usize },
    /// The protobuf bytes are not a valid `inventory_entry`.
    Malformed { what: String, offset: usize },
    /// A required field is missing from the entry.
    MissingField { field: &'static str },
}

impl std::error::Error for InventoryError {}

impl fmt::Display for InventoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InventoryError::NotFound { path } => {
                write!(f, "{}: no such file", path.display())
            }
            InventoryError::Io { path, message, .. } => {
                write!(f, "{}: {message}", path.display())
            }
            InventoryError::NotRegular { path, kind } => write!(
                f,
                "{}: is a {kind}, not a regular file; not reading it",
                path.display()
            ),
            InventoryError::TooLarge { path, limit } => write!(
                f,
                "{}: larger than {limit} bytes, the limit for an inventory image",
                path.display()
            ),
            InventoryError::Empty => write!(
                f,
                "empty file: an inventory image holds a magic word and one entry"
            ),
            InventoryError::Truncated {
                what,
                offset,
                expected,
                got,
            } => write!(
                f,
                "truncated {what} at byte {offset}: expected {expected} bytes, got {got}"
            ),
            InventoryError::ForeignMagic { found, next } => write_foreign(f, *found, *next),
            InventoryError::OversizedEntry { declared, limit } => write!(
                f,
                "entry declares {declared} bytes, more than the {limit}-byte limit"
            ),
            InventoryError::Malformed { what, offset } => {
                write!(f, "malformed protobuf at byte {offset}: {what}")
            }
            InventoryError::MissingField { field } => {
                write!(f, "inventory entry lacks its required field {field}")
            }
        }
    }
}

fn write_foreign(f: &mut fmt::Formatter<'_>, found: u32, next: Option<u32>) -> fmt::Result {
    write!(
        f,
        "not an inventory image: it starts with 0x{found:08x} ({})",
        describe_magic(found)
    )?;
    let swapped = found.swap_bytes();
    let header = [IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC];
    if header.contains(&found) || header.contains(&swapped) {
        match next {
            Some(next) if next == INVENTORY_MAGIC || next.swap_bytes() == INVENTORY_MAGIC => {
                write!(
                    f,
                    " before the inventory magic; CRIU writes and reads \
                     inventory.img without that header"
                )?;
                return Ok(());
            }
            Some(next) => write!(f, " followed by 0x{next:08x} ({})", describe_magic(next))?,
            None => write!(f, " and ends there")?,
        }
    }
    write!(
        f,
        "; expected 0x{INVENTORY_MAGIC:08x} (inventory) as the first word"
    )
}

/// Magic words of the images most likely to be mistaken for an inventory
/// (values from CRIU's `magic.h`).
const KNOWN_MAGICS: &[(u32, &str)] = &[
    (INVENTORY_MAGIC, "inventory image"),
    (IMG_COMMON_MAGIC, "common image header"),
    (IMG_SERVICE_MAGIC, "service file header"),
    (0x5027_3030, "pstree image"),
    (0x5505_3847, "core image"),
    (0x5443_2030, "ids image"),
    (0x5749_2820, "mm image"),
    (0x5608_4025, "pagemap image"),
    (0x5621_3732, "fdinfo image"),
    (0x5630_3138, "files image"),
    (0x5140_3912, "fs image"),
    (0x5036_3636, "reg-files image"),
    (0x5412_3737, "vmas image"),
    (0x5402_3547, "creds image"),
    (0x5447_3203, "utsns image"),
    (0x5311_5007, "ipc-var image"),
    (0x5556_3928, "mountpoints image"),
    (0x5737_3951, "netdev image"),
    (0x5593_3752, "netns image"),
    (0x5938_3330, "cgroup image"),
    (0x5945_3036, "tty-info image"),
    (0x6441_3049, "seccomp image"),
    (0x4311_4433, "timens image"),
    (0x6140_4013, "cpuinfo image"),
    (0x5709_3306, "stats file"),
    (0x5700_4059, "irmap-cache file"),
];

fn magic_name(value: u32) -> Option<&'static str> {
    KNOWN_MAGICS
        .iter()
        .find(|(magic, _)| *magic == value)
        .map(|(_, name)| *name)
}

fn describe_magic(value: u32) -> String {
    if let Some(name) = magic_name(value) {
        return name.to_owned();
    }
    if let Some(name) = magic_name(value.swap_bytes()) {
        return format!("{name}, big-endian");
    }
    "unknown magic".to_owned()
}

/// Decodes the bytes of an `inventory.img`.
///
/// # Errors
///
/// [`InventoryError::Empty`], [`InventoryError::Truncated`],
/// [`InventoryError::ForeignMagic`], [`InventoryError::OversizedEntry`],
/// [`InventoryError::Malformed`] or [`InventoryError::MissingField`] when the
/// bytes are not a complete, well-formed inventory image.
pub fn parse(bytes: &[u8]) -> Result<Inventory, InventoryError> {
    if bytes.is_empty() {
        return Err(InventoryError::Empty);
    }
    let Some(head) = word_at(bytes, 0) else {
        return Err(InventoryError::Truncated {
            what: "magic",
            offset: 0,
            expected: 4,
            got: bytes.len(),
        });
    };
    let byte_order = if u32::from_le_bytes(head) == INVENTORY_MAGIC {
        ByteOrder::Little
    } else if u32::from_be_bytes(head) == INVENTORY_MAGIC {
        ByteOrder::Big
    } else {
        return Err(InventoryError::ForeignMagic {
            found: u32::from_le_bytes(head),
            next: word_at(bytes, 4).map(u32::from_le_bytes),
        });
    };
    let Some(size_word) = word_at(bytes, 4) else {
        return Err(InventoryError::Truncated {
            what: "entry size",
            offset: 4,
            expected: 4,
            got: bytes.len().saturating_sub(4),
        });
    };
    let declared = byte_order.word(size_word);
    let size = match usize::try_from(declared) {
        Ok(size) if size <= MAX_ENTRY_SIZE => size,
        _ => {
            return Err(InventoryError::OversizedEntry {
                declared,
                limit: MAX_ENTRY_SIZE,
            });
        }
    };
    let body = bytes.get(8..).unwrap_or_default();
    let Some((payload, rest)) = body.split_at_checked(size) else {
        return Err(InventoryError::Truncated {
            what: "entry",
            offset: 8,
            expected: size,
            got: body.len(),
        });
    };
    let fields = decode_entry(payload, 8)?;
    let Some(img_version) = fields.img_version else {
        return Err(InventoryError::MissingField {
            field: "img_version",
        });
    };
    Ok(Inventory {
        img_version,
        plugins: match fields.plugins {
            Some(names) => Plugins::Recorded(names),
            None => Plugins::NotRecorded,
        },
        lsmtype: fields.lsmtype,
        pre_dump_mode: fields.pre_dump_mode,
        network_lock_method: fields.network_lock_method,
        tcp_close: fields.tcp_close,
        allow_uprobes: fields.allow_uprobes,
        dump_uptime: fields.dump_uptime,
        dump_criu_run_id: fields.dump_criu_run_id,
        byte_order,
        trailing_bytes: rest.len(),
    })
}

/// Reads and decodes the `inventory.img` at `path`.
///
/// Only regular files are read (a FIFO, socket, device or directory is
/// refused, and the file is opened non-blocking so that a path swapped for a
/// FIFO cannot stall the caller), and at most [`MAX_FILE_SIZE`] bytes.
///
/// # Errors
///
/// [`InventoryError::NotFound`], [`InventoryError::Io`],
/// [`InventoryError::NotRegular`] or [`InventoryError::TooLarge`] for the
/// file itself, and any error of [`parse`] for its contents.
pub fn read(path: &Path) -> Result<Inventory, InventoryError> {
    let metadata = fs::metadata(path).map_err(|err| io_error(path, &err))?;
    refuse_non_regular(path, metadata.file_type())?;
    if metadata.len() > MAX_FILE_SIZE_U64 {
        return Err(InventoryError::TooLarge {
            path: path.to_owned(),
            limit: MAX_FILE_SIZE,
        });
    }
    let file = open_nonblocking(path).map_err(|err| io_error(path, &err))?;
    let bytes = read_opened(path, file)?;
    parse(&bytes)
}

fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Checks the opened file again (the path may have changed since it was
/// looked at) and reads at most [`MAX_FILE_SIZE`] bytes of it.
fn read_opened(path: &Path, file: File) -> Result<Vec<u8>, InventoryError> {
    let metadata = file.metadata().map_err(|err| io_error(path, &err))?;
    refuse_non_regular(path, metadata.file_type())?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE_U64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| io_error(path, &err))?;
    if bytes.len() > MAX_FILE_SIZE {
        return Err(InventoryError::TooLarge {
            path: path.to_owned(),
            limit: MAX_FILE_SIZE,
        });
    }
    Ok(bytes)
}

fn refuse_non_regular(path: &Path, file_type: fs::FileType) -> Result<(), InventoryError> {
    if file_type.is_file() {
        return Ok(());
    }
    let kind = if file_type.is_dir() {
        "directory"
    } else if file_type.is_fifo() {
        "FIFO"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_char_device() {
        "character device"
    } else if file_type.is_block_device() {
        "block device"
    } else if file_type.is_symlink() {
        "symbolic link"
    } else {
        "file of unknown type"
    };
    Err(InventoryError::NotRegular {
        path: path.to_owned(),
        kind,
    })
}

fn io_error(path: &Path, err: &io::Error) -> InventoryError {
    if err.kind() == io::ErrorKind::NotFound {
        InventoryError::NotFound {
            path: path.to_owned(),
        }
    } else {
        InventoryError::Io {
            path: path.to_owned(),
            kind: err.kind(),
            message: err.to_string(),
        }
    }
}

fn word_at(bytes: &[u8], offset: usize) -> Option<[u8; 4]> {
    let end = offset.checked_add(4)?;
    bytes.get(offset..end)?.try_into().ok()
}

/// The fields of `inventory_entry` that are kept.
#[derive(Default)]
struct EntryFields {
    img_version: Option<u32>,
    plugins: Option<Vec<String>>,
    lsmtype: Option<i32>,
    pre_dump_mode: Option<u32>,
    network_lock_method: Option<u32>,
    tcp_close: Option<bool>,
    allow_uprobes: Option<bool>,
    dump_uptime: Option<u64>,
    dump_criu_run_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    Varint,
    Fixed64,
    Len,
    Fixed32,
}

impl Wire {
    fn number(self) -> u8 {
        match self {
            Wire::Varint => 0,
            Wire::Fixed64 => 1,
            Wire::Len => 2,
            Wire::Fixed32 => 5,
        }
    }
}

/// A decoded field value; `Len` carries its bytes and the file offset of
/// their first byte.
enum Value<'a> {
    Int(u64),
    Fixed,
    Len(&'a [u8], usize),
}

/// Name and wire type of the `inventory_entry` fields of CRIU 4.2.
fn inventory_field(field: u32) -> Option<(&'static str, Wire)> {
    let known = match field {
        1 => ("img_version", Wire::Varint),
        2 => ("fdinfo_per_id", Wire::Varint),
        3 => ("root_ids", Wire::Len),
        4 => ("ns_per_id", Wire::Varint),
        5 => ("root_cg_set", Wire::Varint),
        6 => ("lsmtype", Wire::Varint),
        8 => ("dump_uptime", Wire::Varint),
        9 => ("pre_dump_mode", Wire::Varint),
        10 => ("tcp_close", Wire::Varint),
        11 => ("network_lock_method", Wire::Varint),
        12 => ("plugins_entry", Wire::Len),
        13 => ("dump_criu_run_id", Wire::Len),
        14 => ("allow_uprobes", Wire::Varint),
        _ => return None,
    };
    Some(known)
}

/// The low 32 bits, which is how protobuf reads a 32-bit field.
fn low32(value: u64) -> u32 {
    (value & 0xffff_ffff) as u32
}

fn decode_entry(payload: &[u8], base: usize) -> Result<EntryFields, InventoryError> {
    let mut fields = EntryFields::default();
    let mut cursor = Cursor::new(payload, base);
    // Every pass consumes at least the one-byte key, so this ends.
    while !cursor.at_end() {
        let (field, wire, at) = cursor.key()?;
        if let Some((name, expected)) =
            inventory_field(field).filter(|&(_, expected)| expected != wire)
        {
            return Err(wrong_wire(
                "inventory_entry",
                field,
                name,
                wire,
                expected,
                at,
            ));
        }
        match (field, cursor.value(wire)?) {
            (1, Value::Int(v)) => fields.img_version = Some(low32(v)),
            // An enum is an int32: the low 32 bits, read as signed.
            (6, Value::Int(v)) => fields.lsmtype = Some(low32(v) as i32),
            (8, Value::Int(v)) => fields.dump_uptime = Some(v),
            (9, Value::Int(v)) => fields.pre_dump_mode = Some(low32(v)),
            (10, Value::Int(v)) => fields.tcp_close = Some(v != 0),
            (11, Value::Int(v)) => fields.network_lock_method = Some(low32(v)),
            (12, Value::Len(bytes, offset)) => {
                let names = fields.plugins.get_or_insert_with(Vec::new);
                decode_plugins_entry(bytes, offset, names)?;
            }
            (13, Value::Len(bytes, _)) => {
                fields.dump_criu_run_id = Some(String::from_utf8_lossy(bytes).into_owned());
            }
            (14, Value::Int(v)) => fields.allow_uprobes = Some(v != 0),
            _ => {}
        }
    }
    Ok(fields)
}

/// Appends the names of one `plugins_entry` message to `names`.
fn decode_plugins_entry(
    bytes: &[u8],
    base: usize,
    names: &mut Vec<String>,
) -> Result<(), InventoryError> {
    let mut cursor = Cursor::new(bytes, base);
    // Every pass consumes at least the one-byte key, so this ends.
    while !cursor.at_end() {
        let (field, wire, at) = cursor.key()?;
        if field == 12 && wire != Wire::Len {
            return Err(wrong_wire(
                "plugins_entry",
                field,
                "plugins",
                wire,
                Wire::Len,
                at,
            ));
        }
        if let (12, Value::Len(raw, offset)) = (field, cursor.value(wire)?) {
            let name = std::str::from_utf8(raw).map_err(|err| InventoryError::Malformed {
                what: "plugin name is not valid UTF-8".to_owned(),
                offset: offset.saturating_add(err.valid_up_to()),
            })?;
            if let Some(nul) = name.find('\0') {
                return Err(InventoryError::Malformed {
                    what: "plugin name contains a NUL byte".to_owned(),
                    offset: offset.saturating_add(nul),
                });
            }
            names.push(name.to_owned());
        }
    }
    Ok(())
}

fn wrong_wire(
    message: &str,
    field: u32,
    name: &str,
    wire: Wire,
    expected: Wire,
    offset: usize,
) -> InventoryError {
    InventoryError::Malformed {
        what: format!(
            "{message} field {field} ({name}) has wire type {}, expected {}",
            wire.number(),
            expected.number()
        ),
        offset,
    }
}

/// Reads protobuf wire format from a slice; `base` is the file offset of
/// the slice's first byte. `pos` never exceeds `data.len()`.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8], base: usize) -> Self {
        Cursor { data, pos: 0, base }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn malformed(offset: usize, what: String) -> InventoryError {
        InventoryError::Malformed { what, offset }
    }

    fn varint(&mut self, what: &str) -> Result<u64, InventoryError> {
        let start = self.offset();
        let mut value = 0u64;
        for index in 0..10u32 {
            let Some(&byte) = self.data.get(self.pos) else {
                return Err(Self::malformed(
                    start,
                    format!("{what}: varint runs past the end of its message"),
                ));
            };
            self.pos += 1;
            if index == 9 && byte > 1 {
                return Err(Self::malformed(
                    start,
                    format!("{what}: varint does not fit in 64 bits"),
                ));
            }
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Self::malformed(
            start,
            format!("{what}: varint longer than 10 bytes"),
        ))
    }

    /// Reads a key: field number, wire type and the key's file offset.
    fn key(&mut self) -> Result<(u32, Wire, usize), InventoryError> {
        let at = self.offset();
        let raw = self.varint("field key")?;
        let Ok(raw) = u32::try_from(raw) else {
            return Err(Self::malformed(at, "field key exceeds 32 bits".to_owned()));
        };
        let field = raw >> 3;
        if field == 0 {
            return Err(Self::malformed(at, "field number 0".to_owned()));
        }
        let wire = match raw & 7 {
            0 => Wire::Varint,
            1 => Wire::Fixed64,
            2 => Wire::Len,
            5 => Wire::Fixed32,
            group @ (3 | 4) => {
                return Err(Self::malformed(
                    at,
                    format!("field {field} uses group wire type {group}, which is not supported"),
                ));
            }
            other => {
                return Err(Self::malformed(
                    at,
                    format!("field {field} has invalid wire type {other}"),
                ));
            }
        };
        Ok((field, wire, at))
    }

    fn take(&mut self, len: usize, what: &str, at: usize) -> Result<&'a [u8], InventoryError> {
        let remaining = self.remaining();
        let slice = self
            .pos
            .checked_add(len)
            .and_then(|end| self.data.get(self.pos..end));
        let Some(slice) = slice else {
            return Err(Self::malformed(
                at,
                format!("{what} needs {len} bytes but {remaining} remain in its message"),
            ));
        };
        self.pos += len;
        Ok(slice)
    }

    fn value(&mut self, wire: Wire) -> Result<Value<'a>, InventoryError> {
        let at = self.offset();
        match wire {
            Wire::Varint => self.varint("varint field").map(Value::Int),
            Wire::Fixed64 => self.take(8, "64-bit field", at).map(|_| Value::Fixed),
            Wire::Fixed32 => self.take(4, "32-bit field", at).map(|_| Value::Fixed),
            Wire::Len => {
                let declared = self.varint("length")?;
                let len = usize::try_from(declared).unwrap_or(usize::MAX);
                let start = self.offset();
                let bytes = self.take(len, "length-delimited field", at)?;
                Ok(Value::Len(bytes, start))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    // ---- a small protobuf encoder for building images ----

    fn put_varint(out: &mut Vec<u8>, mut value: u64) {
        loop {
            let low = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(low);
                return;
            }
            out.push(low | 0x80);
        }
    }

    fn put_key(out: &mut Vec<u8>, field: u32, wire: u8) {
        put_varint(out, (u64::from(field) << 3) | u64::from(wire));
    }

    fn put_uint(out: &mut Vec<u8>, field: u32, value: u64) {
        put_key(out, field, 0);
        put_varint(out, value);
    }

    fn put_bytes(out: &mut Vec<u8>, field: u32, data: &[u8]) {
        put_key(out, field, 2);
        put_varint(out, data.len() as u64);
        out.extend_from_slice(data);
    }

    fn plugins_message(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for name in names {
            put_bytes(&mut out, 12, name.as_bytes());
        }
        out
    }

    fn image_with_size(size: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = INVENTORY_MAGIC.to_le_bytes().to_vec();
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(payload);
        out
    }

    fn image(payload: &[u8]) -> Vec<u8> {
        let size = u32::try_from(payload.len()).expect("test payload fits in u32");
        image_with_size(size, payload)
    }

    /// A payload like the ones CRIU 4.1 writes, and the offsets inside it
    /// where each top-level field ends.
    fn sample_payload(plugins: Option<&[&str]>) -> (Vec<u8>, Vec<usize>) {
        let mut out = Vec::new();
        let mut ends = Vec::new();
        put_uint(&mut out, 1, 2);
        ends.push(out.len());
        put_uint(&mut out, 2, 1);
        ends.push(out.len());
        let mut ids = Vec::new();
        for (field, value) in (1..=12).zip([1, 1, 1, 1, 1, 2, 3, 4, 6, 7, 8, 5]) {
            put_uint(&mut ids, field, value);
        }
        put_bytes(&mut out, 3, &ids);
        ends.push(out.len());
        put_uint(&mut out, 4, 1);
        ends.push(out.len());
        put_uint(&mut out, 5, 1);
        ends.push(out.len());
        put_uint(&mut out, 6, 2);
        ends.push(out.len());
        put_uint(&mut out, 9, 2);
        ends.push(out.len());
        put_uint(&mut out, 10, 1);
        ends.push(out.len());
        put_uint(&mut out, 11, 1);
        ends.push(out.len());
        if let Some(names) = plugins {
            put_bytes(&mut out, 12, &plugins_message(names));
            ends.push(out.len());
        }
        put_bytes(&mut out, 13, b"0123abcd-run");
        ends.push(out.len());
        (out, ends)
    }

    const TWO_PLUGINS: &[&str] = &["cuda_plugin", "inventory_test_enabled_plugin"];

    fn two_plugin_image() -> Vec<u8> {
        image(&sample_payload(Some(TWO_PLUGINS)).0)
    }

    fn malformed_offset(result: Result<Inventory, InventoryError>) -> (String, usize) {
        match result {
            Err(InventoryError::Malformed { what, offset }) => (what, offset),
            other => panic!("expected a malformed-protobuf error, got {other:?}"),
        }
    }

    // ---- well-formed images ----

    #[test]
    fn reads_two_plugins_and_other_fields() {
        let inv = parse(&two_plugin_image()).expect("valid image");
        assert_eq!(inv.img_version, 2);
        assert_eq!(
            inv.plugins,
            Plugins::Recorded(vec![
                "cuda_plugin".to_owned(),
                "inventory_test_enabled_plugin".to_owned()
            ])
        );
        assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
        assert_eq!(inv.lsmtype, Some(2));
        assert_eq!(inv.lsmtype.and_then(lsm_name), Some("AppArmor"));
        assert_eq!(inv.pre_dump_mode, Some(2));
        assert_eq!(inv.pre_dump_mode.and_then(pre_dump_mode_name), Some("read"));
        assert_eq!(inv.tcp_close, Some(true));
        assert_eq!(inv.network_lock_method, Some(1));
        assert_eq!(
            inv.network_lock_method.and_then(network_lock_name),
            Some("nftables")
        );
        assert_eq!(inv.allow_uprobes, None);
        assert_eq!(inv.dump_uptime, None);
        assert_eq!(inv.dump_criu_run_id.as_deref(), Some("0123abcd-run"));
        assert_eq!(inv.byte_order, ByteOrder::Little);
        assert_eq!(inv.trailing_bytes, 0);
    }

    #[test]
    fn absent_plugins_entry_is_not_recorded() {
        let inv = parse(&image(&sample_payload(None).0)).expect("valid image");
        assert_eq!(inv.plugins, Plugins::NotRecorded);
        assert_eq!(inv.plugins.names(), None);
    }

    #[test]
    fn empty_plugins_entry_is_an_empty_list() {
        let inv = parse(&image(&sample_payload(Some(&[])).0)).expect("valid image");
        assert_eq!(inv.plugins, Plugins::Recorded(Vec::new()));
        assert_eq!(inv.plugins.names(), Some(&[][..]));
    }

    #[test]
    fn minimal_entry_has_only_the_version() {
        let mut payload = Vec::new();
        put_uint(&mut payload, 1, 1);
        let inv = parse(&image(&payload)).expect("valid image");
        assert_eq!(inv.img_version, 1);
        assert_eq!(inv.plugins, Plugins::NotRecorded);
        assert_eq!(inv.lsmtype, None);
        assert_eq!(inv.network_lock_method, None);
        assert_eq!(inv.dump_criu_run_id, None);
    }

    #[test]
    fn newer_fields_are_read() {
        let mut payload = Vec::new();
        put_uint(&mut payload, 1, 2);
        put_uint(&mut payload, 8, 123_456_789_012);
        put_uint(&mut payload, 14, 1);
        let inv = parse(&image(&payload)).expect("valid image");
        assert_eq!(inv.dump_uptime, Some(123_456_789_012));
        assert_eq!(inv.allow_uprobes, Some(true));
    }

    #[test]
    fn unknown_fields_are_skipped() {
        let mut inner = Vec::new();
        put_uint(&mut inner, 1, 99);
        put_bytes(&mut inner, 12, b"cuda_plugin");
        put_key(&mut inner, 13, 5);
        inner.extend_from_slice(&[1, 2, 3, 4]);
        put_bytes(&mut inner, 2000, b"ignored");

        let mut payload = Vec::new();
        put_uint(&mut payload, 7, u64::MAX);
        put_key(&mut payload, 15, 1);
        payload.extend_from_slice(&[9; 8]);
        put_uint(&mut payload, 1, 2);
        put_key(&mut payload, 16, 5);
        payload.extend_from_slice(&[9; 4]);
        put_bytes(&mut payload, 99, b"\xff\xfe unknown bytes");
        put_bytes(&mut payload, 12, &inner);
        put_uint(&mut payload, (1 << 29) - 1, 5);

        let inv = parse(&image(&payload)).expect("unknown fields skipped");
        assert_eq!(inv.img_version, 2);
        assert_eq!(
            inv.plugins,
            Plugins::Recorded(vec!["cuda_plugin".to_owned()])
        );
    }

    #[test]
    fn repeated_plugins_entries_are_merged_and_scalars_keep_the_last() {
        let mut payload = Vec::new();
        put_uint(&mut payload, 1, 1);
        put_bytes(&mut payload, 12, &plugins_message(&["a"]));
        put_uint(&mut payload, 1, 2);
        put_bytes(&mut payload, 12, &plugins_message(&[]));
        put_bytes(&mut payload, 12, &plugins_message(&["b", "a"]));
        let inv = parse(&image(&payload)).expect("valid image");
        assert_eq!(inv.img_version, 2);
        assert_eq!(
            inv.plugins,
            Plugins::Recorded(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
        );
    }

    #[test]
    fn oversized_varints_keep_the_low_32_bits() {
        let mut payload = Vec::new();
        put_uint(&mut payload, 1, (7 << 32) | 2);
        put_uint(&mut payload, 6, u64::MAX);
        let inv = parse(&image(&payload)).expect("valid image");
        assert_eq!(inv.img_version, 2);
        assert_eq!(inv.lsmtype, Some(-1));
        assert_eq!(inv.lsmtype.and_then(lsm_name), None);
    }

    #[test]
    fn big_endian_words_are_accepted() {
        let (payload, _) = sample_payload(Some(TWO_PLUGINS));
        let mut bytes = INVENTORY_MAGIC.to_be_bytes().to_vec();
        let size = u32::try_from(payload.len()).expect("fits");
        bytes.extend_from_slice(&size.to_be_bytes());
        bytes.extend_from_slice(&payload);
        let inv = parse(&bytes).expect("big-endian image");
        assert_eq!(inv.byte_order, ByteOrder::Big);
        assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
    }

    #[test]
    fn trailing_bytes_are_counted() {
        let mut bytes = two_plugin_image();
        bytes.extend_from_slice(&[0xaa; 5]);
        let inv = parse(&bytes).expect("trailing bytes are ignored");
        assert_eq!(inv.trailing_bytes, 5);
        assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
    }

    #[test]
    fn invalid_run_id_is_shown_lossily() {
        let mut payload = Vec::new();
        put_uint(&mut payload, 1, 2);
        put_bytes(&mut payload, 13, b"ab\xffcd");
        let inv = parse(&image(&payload)).expect("valid image");
        assert_eq!(inv.dump_criu_run_id.as_deref(), Some("ab\u{fffd}cd"));
    }

    // ---- damaged images ----

    #[test]
    fn empty_input() {
        assert_eq!(parse(&[]), Err(InventoryError::Empty));
        assert!(InventoryError::Empty.to_string().contains("empty"));
    }

    #[test]
    fn every_truncation_of_the_file_fails() {
        let bytes = two_plugin_image();
        let entry = bytes.len() - 8;
        for len in 0..bytes.len() {
            let prefix = bytes.get(..len).expect("in range");
            let err = parse(prefix).expect_err("a truncated image must fail");
            let expected = match len {
                0 => InventoryError::Empty,
                1..=3 => InventoryError::Truncated {
                    what: "magic",
                    offset: 0,
                    expected: 4,
                    got: len,
                },
                4..=7 => InventoryError::Truncated {
                    what: "entry size",
                    offset: 4,
                    expected: 4,
                    got: len - 4,
                },
                _ => InventoryError::Truncated {
                    what: "entry",
                    offset: 8,
                    expected: entry,
                    got: len - 8,
                },
            };
            assert_eq!(err, expected, "prefix of {len} bytes");
        }
        let message = parse(bytes.get(..20).expect("in range"))
            .expect_err("truncated")
            .to_string();
        assert!(
            message.contains(&format!("expected {entry} bytes, got 12")),
            "{message}"
        );
    }

    #[test]
    fn every_cut_of_the_entry_fails_unless_it_ends_on_a_field() {
        let (payload, ends) = sample_payload(Some(TWO_PLUGINS));
        for cut in 0..payload.len() {
            let result = parse(&image(payload.get(..cut).expect("in range")));
            if ends.contains(&cut) {
                let inv = result.expect("a cut between fields is a shorter message");
                assert_eq!(inv.img_version, 2);
            } else if cut == 0 {
                assert_eq!(
                    result,
                    Err(InventoryError::MissingField {
                        field: "img_version"
                    })
                );
            } else {
                let (_, offset) = malformed_offset(result);
                assert!(
                    offset >= 8 && offset <= 8 + cut,
                    "cut {cut}: offset {offset}"
                );
            }
        }
    }

    /// A fixed-seed xorshift64 generator.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, bound: usize) -> usize {
            usize::try_from(self.next() % bound as u64).expect("below bound")
        }
    }

    fn flip_bytes(original: &[u8], rounds: usize, seed: u64) -> (usize, usize) {
        let mut rng = XorShift(seed);
        let (mut ok, mut failed) = (0, 0);
        for _ in 0..rounds {
            let mut bytes = original.to_vec();
            for _ in 0..=rng.below(3) {
                let at = rng.below(bytes.len());
                let mask = u8::try_from(rng.below(255) + 1).expect("1..=255");
                if let Some(byte) = bytes.get_mut(at) {
                    *byte ^= mask;
                }
            }
            let head = word_at(&bytes, 0).expect("image is longer than 4 bytes");
            let is_inventory = u32::from_le_bytes(head) == INVENTORY_MAGIC
                || u32::from_be_bytes(head) == INVENTORY_MAGIC;
            match parse(&bytes) {
                Ok(inv) => {
                    assert!(is_inventory, "a foreign magic was accepted");
                    if let Some(names) = inv.plugins.names() {
                        assert!(names.iter().all(|name| !name.contains('\0')));
                    }
                    ok += 1;
                }
                Err(err) => {
                    if !is_inventory {
                        assert!(matches!(err, InventoryError::ForeignMagic { .. }));
                    }
                    assert!(!err.to_string().is_empty());
                    failed += 1;
                }
            }
        }
        (ok, failed)
    }

    #[test]
    fn random_byte_flips_never_panic() {
        let (ok, failed) = flip_bytes(&two_plugin_image(), 20_000, 0x9e37_79b9_7f4a_7c15);
        assert_eq!(ok + failed, 20_000);
        assert!(ok > 0 && failed > 0, "ok {ok}, failed {failed}");
        let (ok, failed) = flip_bytes(REAL_WITH_PLUGINS, 20_000, 0x2545_f491_4f6c_dd1d);
        assert_eq!(ok + failed, 20_000);
    }

    #[test]
    fn foreign_magic_is_named_in_hex() {
        let mut core = IMG_COMMON_MAGIC.to_le_bytes().to_vec();
        core.extend_from_slice(&0x5505_3847u32.to_le_bytes());
        core.extend_from_slice(&[0; 8]);
        let err = parse(&core).expect_err("core image");
        assert_eq!(
            err,
            InventoryError::ForeignMagic {
                found: IMG_COMMON_MAGIC,
                next: Some(0x5505_3847)
            }
        );
        let message = err.to_string();
        assert!(message.contains("0x54564319"), "{message}");
        assert!(message.contains("0x55053847 (core image)"), "{message}");
        assert!(message.contains("0x58313116"), "{message}");

        let err = parse(&[0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0]).expect_err("junk");
        let message = err.to_string();
        assert!(message.contains("0xefbeadde (unknown magic)"), "{message}");

        let err = parse(&0x5027_3030u32.to_be_bytes()).expect_err("big-endian pstree");
        let message = err.to_string();
        assert!(message.contains("pstree image, big-endian"), "{message}");

        let err = parse(&IMG_COMMON_MAGIC.to_le_bytes()).expect_err("header only");
        assert!(err.to_string().contains("ends there"), "{err}");
    }

    #[test]
    fn common_header_before_inventory_magic_is_refused() {
        let mut bytes = IMG_COMMON_MAGIC.to_le_bytes().to_vec();
        bytes.extend_from_slice(&two_plugin_image());
        let err = parse(&bytes).expect_err("CRIU refuses this too");
        assert_eq!(
            err,
            InventoryError::ForeignMagic {
                found: IMG_COMMON_MAGIC,
                next: Some(INVENTORY_MAGIC)
            }
        );
        assert!(err.to_string().contains("without that header"), "{err}");
    }

    #[test]
    fn huge_declared_size_is_oversized() {
        let err = parse(&image_with_size(u32::MAX, &[0x08, 0x02])).expect_err("huge");
        assert_eq!(
            err,
            InventoryError::OversizedEntry {
                declared: u32::MAX,
                limit: MAX_ENTRY_SIZE
            }
        );
        assert!(err.to_string().contains("4294967295"), "{err}");

        let just_over = u32::try_from(MAX_ENTRY_SIZE + 1).expect("fits");
        assert!(matches!(
            parse(&image_with_size(just_over, &[])),
            Err(InventoryError::OversizedEntry { .. })
        ));
        let at_limit = u32::try_from(MAX_ENTRY_SIZE).expect("fits");
        assert_eq!(
            parse(&image_with_size(at_limit, &[0x08, 0x02])),
            Err(InventoryError::Truncated {
                what: "entry",
                offset: 8,
                expected: MAX_ENTRY_SIZE,
                got: 2
            })
        );
    }

    #[test]
    fn missing_img_version() {
        let mut payload = Vec::new();
        put_bytes(&mut payload, 12, &plugins_message(&["cuda_plugin"]));
        let err = parse(&image(&payload)).expect_err("version is required");
        assert_eq!(
            err,
            InventoryError::MissingField {
                field: "img_version"
            }
        );
        assert!(err.to_string().contains("img_version"));
    }

    #[test]
    fn groups_and_invalid_wire_types_are_rejected() {
        for wire in [3u8, 4, 6, 7] {
            let mut payload = vec![0x08, 0x02];
            put_key(&mut payload, 20, wire);
            payload.push(0);
            let (what, offset) = malformed_offset(parse(&image(&payload)));
            assert_eq!(offset, 10, "wire type {wire}");
            assert!(what.contains(&format!("wire type {wire}")), "{what}");
        }
        let mut inner = Vec::new();
        put_key(&mut inner, 1, 3);
        let mut payload = vec![0x08, 0x02];
        put_bytes(&mut payload, 12, &inner);
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 12);
        assert!(what.contains("group"), "{what}");
    }

    #[test]
    fn wrong_wire_type_for_a_known_field_is_rejected() {
        let mut payload = Vec::new();
        put_bytes(&mut payload, 1, b"\x02");
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 8);
        assert!(what.contains("field 1 (img_version)"), "{what}");

        let mut payload = vec![0x08, 0x02];
        put_uint(&mut payload, 12, 0);
        let (what, _) = malformed_offset(parse(&image(&payload)));
        assert!(what.contains("plugins_entry"), "{what}");

        let mut inner = Vec::new();
        put_uint(&mut inner, 12, 5);
        let mut payload = vec![0x08, 0x02];
        put_bytes(&mut payload, 12, &inner);
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 12);
        assert!(what.contains("(plugins)"), "{what}");
    }

    #[test]
    fn bad_keys_and_varints_are_rejected() {
        let (what, offset) = malformed_offset(parse(&image(&[0x08, 0x02, 0x00])));
        assert_eq!(offset, 10);
        assert!(what.contains("field number 0"), "{what}");

        let mut payload = vec![0x08];
        payload.extend_from_slice(&[0xff; 9]);
        payload.push(0x02);
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 9);
        assert!(what.contains("64 bits"), "{what}");

        let mut payload = vec![0x08, 0x02];
        payload.extend_from_slice(&[0x80; 12]);
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 10);
        assert!(what.contains("field key"), "{what}");

        let mut payload = vec![0x08, 0x02];
        put_varint(&mut payload, 1 << 35);
        let (what, _) = malformed_offset(parse(&image(&payload)));
        assert!(what.contains("exceeds 32 bits"), "{what}");

        let (what, offset) = malformed_offset(parse(&image(&[0x08, 0x82])));
        assert_eq!(offset, 9);
        assert!(what.contains("runs past the end"), "{what}");
    }

    #[test]
    fn lengths_are_checked_against_what_remains() {
        let mut payload = vec![0x08, 0x02];
        put_key(&mut payload, 13, 2);
        put_varint(&mut payload, u64::MAX >> 1);
        payload.extend_from_slice(b"abc");
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 11);
        assert!(what.contains("remain"), "{what}");

        let mut payload = vec![0x08, 0x02];
        put_key(&mut payload, 15, 1);
        payload.extend_from_slice(&[0; 7]);
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 11);
        assert!(what.contains("needs 8 bytes but 7 remain"), "{what}");

        let mut payload = vec![0x08, 0x02];
        put_key(&mut payload, 15, 5);
        payload.extend_from_slice(&[0; 3]);
        let (what, _) = malformed_offset(parse(&image(&payload)));
        assert!(what.contains("needs 4 bytes but 3 remain"), "{what}");

        // A name running past the end of plugins_entry, though not past
        // the end of the entry.
        let mut payload = vec![0x08, 0x02];
        put_bytes(&mut payload, 12, &[0x62, 0x05, b'a', b'b']);
        put_uint(&mut payload, 7, 0);
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 13);
        assert!(what.contains("needs 5 bytes but 2 remain"), "{what}");
    }

    #[test]
    fn bad_plugin_names_are_rejected_with_their_offset() {
        // Entry: 08 02 | 62 0d | 62 0b "cuda_plugin"; the name starts at
        // index 6 of the entry, byte 14 of the file.
        let mut payload = vec![0x08, 0x02];
        put_bytes(&mut payload, 12, &plugins_message(&["cuda_plugin"]));
        assert_eq!(payload.get(6..), Some(&b"cuda_plugin"[..]));
        let name_offset = 14;

        let mut utf8 = payload.clone();
        utf8[6 + 4] = 0xc3;
        let (what, offset) = malformed_offset(parse(&image(&utf8)));
        assert_eq!(offset, name_offset + 4);
        assert!(what.contains("UTF-8"), "{what}");

        let mut nul = payload;
        nul[6 + 2] = 0;
        let (what, offset) = malformed_offset(parse(&image(&nul)));
        assert_eq!(offset, name_offset + 2);
        assert!(what.contains("NUL"), "{what}");
    }

    #[test]
    fn error_messages_say_what_happened() {
        let path = PathBuf::from("/images/inventory.img");
        let cases = [
            (
                InventoryError::NotFound { path: path.clone() },
                "/images/inventory.img: no such file",
            ),
            (
                InventoryError::NotRegular {
                    path: path.clone(),
                    kind: "FIFO",
                },
                "is a FIFO, not a regular file",
            ),
            (
                InventoryError::TooLarge {
                    path: path.clone(),
                    limit: MAX_FILE_SIZE,
                },
                "larger than 1048576 bytes",
            ),
            (
                InventoryError::Truncated {
                    what: "entry",
                    offset: 8,
                    expected: 78,
                    got: 3,
                },
                "truncated entry at byte 8: expected 78 bytes, got 3",
            ),
            (
                InventoryError::Malformed {
                    what: "field number 0".to_owned(),
                    offset: 12,
                },
                "malformed protobuf at byte 12: field number 0",
            ),
        ];
        for (err, text) in cases {
            let message = err.to_string();
            assert!(message.contains(text), "{message:?} lacks {text:?}");
        }
    }

    // ---- images written by real CRIU ----

    /// `criu dump` of CRIU 4.1.1 with two plugins that record their names.
    const REAL_WITH_PLUGINS: &[u8] = include_bytes!("../testdata/inventory-4.1.1-plugins.img");
    /// `criu dump` of CRIU 4.1.1 with no plugin.
    const REAL_NO_PLUGINS: &[u8] = include_bytes!("../testdata/inventory-4.1.1.img");
    /// The no-plugin image re-encoded by the `crit` of CRIU 3.17.1, which
    /// knows no fields after 11.
    const CRIT_3_17: &[u8] = include_bytes!("../testdata/inventory-3.17-crit.img");

    #[test]
    fn real_image_with_plugins() {
        let inv = parse(REAL_WITH_PLUGINS).expect("real image");
        assert_eq!(inv.img_version, 2);
        assert_eq!(
            inv.plugins,
            Plugins::Recorded(vec![
                "inventory_test_enabled_plugin".to_owned(),
                "cuda_plugin".to_owned()
            ])
        );
        assert_eq!(inv.lsmtype, Some(0));
        assert_eq!(inv.network_lock_method, Some(0));
        assert_eq!(inv.pre_dump_mode, None);
        assert_eq!(inv.tcp_close, None);
        assert_eq!(
            inv.dump_criu_run_id.as_deref(),
            Some("925014af-9f09-4318-b0df-1c02ac9773fe")
        );
        assert_eq!(inv.byte_order, ByteOrder::Little);
        assert_eq!(inv.trailing_bytes, 0);
    }

    #[test]
    fn real_image_without_plugins_records_an_empty_list() {
        let inv = parse(REAL_NO_PLUGINS).expect("real image");
        assert_eq!(inv.img_version, 2);
        assert_eq!(inv.plugins, Plugins::Recorded(Vec::new()));
        assert_eq!(
            inv.dump_criu_run_id.as_deref(),
            Some("36c12c26-ac0c-4d18-bb5a-20aacf9d620e")
        );
    }

    #[test]
    fn image_of_crit_3_17_records_no_plugins() {
        let inv = parse(CRIT_3_17).expect("3.17 layout");
        assert_eq!(inv.img_version, 2);
        assert_eq!(inv.plugins, Plugins::NotRecorded);
        assert_eq!(inv.network_lock_method, Some(0));
        assert_eq!(inv.dump_criu_run_id, None);
    }

    #[test]
    fn test_encoder_matches_real_criu_bytes() {
        let mut ids = Vec::new();
        for (field, value) in (1..=12).zip([1, 1, 1, 1, 1, 2, 3, 4, 6, 7, 8, 5]) {
            put_uint(&mut ids, field, value);
        }
        let mut payload = Vec::new();
        put_uint(&mut payload, 1, 2);
        put_uint(&mut payload, 2, 1);
        put_bytes(&mut payload, 3, &ids);
        put_uint(&mut payload, 4, 1);
        put_uint(&mut payload, 5, 1);
        put_uint(&mut payload, 6, 0);
        put_uint(&mut payload, 11, 0);
        put_bytes(
            &mut payload,
            12,
            &plugins_message(&["inventory_test_enabled_plugin", "cuda_plugin"]),
        );
        put_bytes(&mut payload, 13, b"925014af-9f09-4318-b0df-1c02ac9773fe");
        assert_eq!(image(&payload), REAL_WITH_PLUGINS);
    }

    #[test]
    fn real_images_of_other_types_are_named() {
        let cases: [(&[u8], u32, &str); 3] = [
            (
                include_bytes!("../testdata/pstree-4.1.1.img"),
                0x5027_3030,
                "0x50273030 (pstree image)",
            ),
            (
                include_bytes!("../testdata/core-4.1.1.img"),
                0x5505_3847,
                "0x55053847 (core image)",
            ),
            (
                include_bytes!("../testdata/stats-dump-4.1.1"),
                0x5709_3306,
                "0x57093306 (stats file)",
            ),
        ];
        for (bytes, second, text) in cases {
            let err = parse(bytes).expect_err("not an inventory");
            let InventoryError::ForeignMagic { found, next } = err else {
                panic!("expected a foreign magic, got {err:?}");
            };
            assert!(found == IMG_COMMON_MAGIC || found == IMG_SERVICE_MAGIC);
            assert_eq!(next, Some(second));
            let message = err.to_string();
            assert!(message.contains(text), "{message}");
        }
    }

    #[test]
    fn every_truncation_of_a_real_image_fails() {
        for len in 0..REAL_WITH_PLUGINS.len() {
            let prefix = REAL_WITH_PLUGINS.get(..len).expect("in range");
            assert!(parse(prefix).is_err(), "prefix of {len} bytes");
        }
    }

    // ---- reading files ----

    static DIR_COUNTER: AtomicUsize = AtomicUsize::new(0);

    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            let n = DIR_COUNTER.fetch_add(1, Ordering::SeqCst);
            let path =
                std::env::temp_dir().join(format!("inventory-test-{}-{n}", std::process::id()));
            fs::create_dir_all(&path).expect("create temp dir");
            TempDir(path)
        }

        fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            fs::write(&path, bytes).expect("write test file");
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// Runs `f` on another thread and fails the test if it takes over 10 s.
    fn within_timeout<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the call did not return within 10 seconds")
    }

    #[test]
    fn reads_a_regular_file() {
        let dir = TempDir::new();
        let path = dir.file("inventory.img", REAL_WITH_PLUGINS);
        let inv = within_timeout(move || read(&path)).expect("readable");
        assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
    }

    #[test]
    fn follows_a_symlink_to_a_regular_file() {
        let dir = TempDir::new();
        let target = dir.file("real.img", REAL_NO_PLUGINS);
        let link = dir.0.join("inventory.img");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let inv = within_timeout(move || read(&link)).expect("readable");
        assert_eq!(inv.plugins, Plugins::Recorded(Vec::new()));
    }

    #[test]
    fn missing_file_names_its_path() {
        let dir = TempDir::new();
        let path = dir.0.join("inventory.img");
        let err = read(&path).expect_err("missing");
        assert_eq!(err, InventoryError::NotFound { path: path.clone() });
        assert!(err.to_string().contains(&path.display().to_string()));
    }

    #[test]
    fn empty_file() {
        let dir = TempDir::new();
        let path = dir.file("inventory.img", &[]);
        assert_eq!(read(&path), Err(InventoryError::Empty));
    }

    #[test]
    fn directory_and_devices_are_refused() {
        let dir = TempDir::new();
        let err = read(&dir.0).expect_err("directory");
        assert!(
            matches!(
                err,
                InventoryError::NotRegular {
                    kind: "directory",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = within_timeout(|| read(Path::new("/dev/null"))).expect_err("device");
        assert!(
            matches!(
                err,
                InventoryError::NotRegular {
                    kind: "character device",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn socket_is_refused() {
        let dir = TempDir::new();
        let path = dir.0.join("inventory.img");
        let _listener = std::os::unix::net::UnixListener::bind(&path).expect("bind socket");
        let err = read(&path).expect_err("socket");
        assert!(
            matches!(err, InventoryError::NotRegular { kind: "socket", .. }),
            "{err:?}"
        );
    }

    fn make_fifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("run mkfifo");
        assert!(status.success(), "mkfifo failed");
    }

    #[test]
    fn fifo_is_refused_without_blocking() {
        let dir = TempDir::new();
        let path = dir.0.join("inventory.img");
        make_fifo(&path);
        let err = within_timeout(move || read(&path)).expect_err("fifo");
        assert!(
            matches!(err, InventoryError::NotRegular { kind: "FIFO", .. }),
            "{err:?}"
        );
    }

    #[test]
    fn fifo_swapped_in_after_the_check_does_not_block() {
        let dir = TempDir::new();
        let path = dir.0.join("inventory.img");
        make_fifo(&path);
        // With no writer, a blocking open of a FIFO would wait forever.
        let err = within_timeout(move || {
            let file = open_nonblocking(&path).expect("non-blocking open");
            read_opened(&path, file)
        })
        .expect_err("fifo");
        assert!(
            matches!(err, InventoryError::NotRegular { kind: "FIFO", .. }),
            "{err:?}"
        );
    }

    #[test]
    fn file_over_the_limit_is_refused() {
        let dir = TempDir::new();
        let mut bytes = REAL_WITH_PLUGINS.to_vec();
        bytes.resize(MAX_FILE_SIZE, 0);
        let at_limit = dir.file("at-limit.img", &bytes);
        let inv = read(&at_limit).expect("exactly at the limit");
        assert_eq!(inv.trailing_bytes, MAX_FILE_SIZE - REAL_WITH_PLUGINS.len());

        bytes.push(0);
        let over = dir.file("over.img", &bytes);
        let err = read(&over).expect_err("over the limit");
        assert_eq!(
            err,
            InventoryError::TooLarge {
                path: over.clone(),
                limit: MAX_FILE_SIZE
            }
        );
        assert!(err.to_string().contains("1048576"), "{err}");

        let file = File::open(&over).expect("open");
        let err = read_opened(&over, file).expect_err("limit applies while reading");
        assert!(matches!(err, InventoryError::TooLarge { .. }), "{err:?}");
    }
}
