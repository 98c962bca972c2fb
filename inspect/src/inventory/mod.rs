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
//!
//! # Files
//!
//! This file holds the decoded inventory and [`parse`], which checks the
//! magic and size words; `wire.rs` reads protobuf wire format, `entry.rs`
//! decodes the `inventory_entry` message with it, `error.rs` holds
//! [`InventoryError`] and its messages, `file.rs` reads the file from disk
//! ([`read`]), and `tests/` tests them all.

mod entry;
mod error;
mod file;
mod wire;

#[cfg(test)]
mod tests;

use entry::decode_entry;
pub use error::InventoryError;
pub use file::read;

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

fn word_at(bytes: &[u8], offset: usize) -> Option<[u8; 4]> {
    let end = offset.checked_add(4)?;
    bytes.get(offset..end)?.try_into().ok()
}
