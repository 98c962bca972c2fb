//! Writing untrusted bytes (file names, paths, plugin names) into a log or
//! a terminal so they cannot forge lines or send control sequences.
//!
//! `\n`, `\r` and `\t` are written as those two-character escapes, a
//! backslash as `\\`, every other byte below 0x20, 0x7f and every byte that
//! is not part of valid UTF-8 as `\xHH` (two lowercase hex digits). Other
//! text, including non-ASCII UTF-8, is written as it is. Writing allocates
//! nothing.

use std::fmt;

/// Displays `bytes` escaped.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            let valid = chunk.valid();
            let mut plain = 0;
            for (i, c) in valid.char_indices() {
                let escape: Option<&str> = match c {
                    '\n' => Some("\\n"),
                    '\r' => Some("\\r"),
                    '\t' => Some("\\t"),
                    '\\' => Some("\\\\"),
                    '\0'..='\x1f' | '\x7f' => Some(""),
                    _ => None,
                };
                let Some(escape) = escape else { continue };
                f.write_str(&valid[plain..i])?;
                if escape.is_empty() {
                    write!(f, "\\x{:02x}", c as u32)?;
                } else {
                    f.write_str(escape)?;
                }
                plain = i + c.len_utf8();
            }
            f.write_str(&valid[plain..])?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// `bytes` escaped, as a string.
#[cfg(test)]
fn escape(bytes: &[u8]) -> String {
    Escaped(bytes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(
            escape(b"/usr/lib/criu/amdgpu_plugin.so"),
            "/usr/lib/criu/amdgpu_plugin.so"
        );
        assert_eq!(
            escape("caf\u{e9} \u{2603}".as_bytes()),
            "caf\u{e9} \u{2603}"
        );
        assert_eq!(escape(b""), "");
    }

    #[test]
    fn controls_and_backslashes_are_escaped() {
        assert_eq!(
            escape(b"a\n[1] Error (cr-dump.c:1): FORGED\n.so"),
            "a\\n[1] Error (cr-dump.c:1): FORGED\\n.so"
        );
        assert_eq!(escape(b"\x1b[31mred.so"), "\\x1b[31mred.so");
        assert_eq!(escape(b"a\tb\rc\\d\x7f\x00"), "a\\tb\\rc\\\\d\\x7f\\x00");
    }

    #[test]
    fn invalid_utf8_is_escaped_bytewise() {
        assert_eq!(escape(b"x\xff\xfey"), "x\\xff\\xfey");
        assert_eq!(escape(b"\xe2\x98"), "\\xe2\\x98");
    }

    #[test]
    fn output_never_holds_a_control_byte() {
        let all: Vec<u8> = (0u8..=255).collect();
        let out = escape(&all);
        assert!(!out.bytes().any(|b| b < 0x20 || b == 0x7f));
    }
}
