//! Protobuf wire format: a cursor that reads keys and values from a
//! slice and reports every error with its offset in the file.

use super::InventoryError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wire {
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
pub(super) enum Value<'a> {
    Int(u64),
    Fixed,
    Len(&'a [u8], usize),
}

/// The low 32 bits, which is how protobuf reads a 32-bit field.
pub(super) fn low32(value: u64) -> u32 {
    (value & 0xffff_ffff) as u32
}

pub(super) fn wrong_wire(
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
pub(super) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(data: &'a [u8], base: usize) -> Self {
        Cursor { data, pos: 0, base }
    }

    pub(super) fn at_end(&self) -> bool {
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
    pub(super) fn key(&mut self) -> Result<(u32, Wire, usize), InventoryError> {
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

    pub(super) fn value(&mut self, wire: Wire) -> Result<Value<'a>, InventoryError> {
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
