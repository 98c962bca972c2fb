//! Why an inventory could not be read: [`InventoryError`] and its
//! messages, which name a foreign image by its magic word.

use super::{IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, INVENTORY_MAGIC};
use std::fmt;
use std::io;
use std::path::PathBuf;

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
    /// The file holds more than [`MAX_FILE_SIZE`](super::MAX_FILE_SIZE) bytes.
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
    /// The entry size is above [`MAX_ENTRY_SIZE`](super::MAX_ENTRY_SIZE).
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
