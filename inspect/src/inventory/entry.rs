//! The `inventory_entry` message: which fields are known, with what wire
//! type, and how the kept ones and the plugin names are decoded.

use super::InventoryError;
use super::wire::{Cursor, Value, Wire, low32, wrong_wire};

/// The fields of `inventory_entry` that are kept.
#[derive(Default)]
pub(super) struct EntryFields {
    pub(super) img_version: Option<u32>,
    pub(super) plugins: Option<Vec<String>>,
    pub(super) lsmtype: Option<i32>,
    pub(super) pre_dump_mode: Option<u32>,
    pub(super) network_lock_method: Option<u32>,
    pub(super) tcp_close: Option<bool>,
    pub(super) allow_uprobes: Option<bool>,
    pub(super) dump_uptime: Option<u64>,
    pub(super) dump_criu_run_id: Option<String>,
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

pub(super) fn decode_entry(payload: &[u8], base: usize) -> Result<EntryFields, InventoryError> {
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
