//! Output: JSON and human-readable text.

use super::*;

/// A JSON string literal for `s`, quotes included.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn json_opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), json_string)
}

/// A JSON string literal for the bytes of a path or a name: the bytes,
/// invalid UTF-8 replaced by U+FFFD.
pub fn json_bytes(b: &[u8]) -> String {
    json_string(&String::from_utf8_lossy(b))
}

pub(crate) fn json_opt_bytes(b: Option<&[u8]>) -> String {
    b.map_or_else(|| "null".to_string(), json_bytes)
}

pub(crate) fn json_byte_strings<B: AsRef<[u8]>>(items: &[B]) -> String {
    let inner: Vec<String> = items.iter().map(|b| json_bytes(b.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

pub(crate) fn json_opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "null".to_string(), |v| v.to_string())
}

pub(crate) fn json_strings<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| json_string(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

pub(crate) fn hook_names(set: HookSet) -> Vec<&'static str> {
    set.hooks().map(Hook::name).collect()
}

pub(crate) fn presence(v: Option<bool>) -> Option<&'static str> {
    v.map(|p| if p { "present" } else { "absent" })
}

pub(crate) fn reason(status: &Status) -> Option<&str> {
    match status {
        Status::Refused(why) => Some(why),
        _ => None,
    }
}

/// The report as one JSON object.
pub fn render_json(report: &Report) -> String {
    let mut o = String::new();
    o.push_str("{\n");
    let _ = writeln!(o, "  \"schema\": {SCHEMA},");
    let _ = writeln!(
        o,
        "  \"inspected\": {},",
        json_string(report.inspected.word())
    );
    let _ = writeln!(
        o,
        "  \"folder\": {},",
        json_opt_bytes(report.folder.as_deref())
    );
    let _ = writeln!(o, "  \"folder_source\": {},", json_opt_str(report.source));
    let _ = writeln!(
        o,
        "  \"folder_error\": {},",
        json_opt_str(report.folder_error.as_deref())
    );
    let _ = writeln!(o, "  \"warnings\": {},", json_strings(&report.warnings));
    let _ = writeln!(o, "  \"notes\": {},", json_strings(&report.notes));
    let _ = writeln!(o, "  \"strict\": {},", report.strict);
    let skip = report.skip.as_ref().map_or_else(
        || "null".to_string(),
        |s| {
            format!(
                "{{\"source\": {}, \"names\": {}}}",
                json_string(s.source),
                json_byte_strings(&s.names)
            )
        },
    );
    let _ = writeln!(o, "  \"skip\": {skip},");
    let _ = writeln!(
        o,
        "  \"supported_version\": {},",
        json_string(&Version(CRIU_PLUGIN_VERSION).to_string())
    );
    let _ = writeln!(o, "  \"supported_max_hooks\": {CR_PLUGIN_HOOK__MAX},");
    let _ = writeln!(
        o,
        "  \"summary\": {{\"candidates\": {}, \"loads\": {}, \"needs_host\": {}, \"not_loaded\": {}, \"skipped\": {}, \"refused\": {}, \"alternative\": {}}},",
        report.files.len(),
        report.count("loads"),
        report.count("needs-host"),
        report.count("not-loaded"),
        report.count("skipped"),
        report.count("refused"),
        report.count("alternative")
    );
    let _ = writeln!(
        o,
        "  \"first_refused\": {},",
        json_opt_bytes(report.first_refused().map(|f| &f.path[..]))
    );
    let _ = writeln!(o, "  \"exit_status\": {},", report.exit_status());
    o.push_str("  \"plugins\": [");
    for (i, f) in report.files.iter().enumerate() {
        o.push_str(if i == 0 { "\n" } else { ",\n" });
        o.push_str(&json_file(f));
    }
    o.push_str(if report.files.is_empty() {
        "]\n"
    } else {
        "\n  ]\n"
    });
    o.push_str("}\n");
    o
}

pub(crate) fn json_file(f: &FileReport) -> String {
    let fields = [
        ("position", f.position.to_string()),
        ("file", json_bytes(&f.file)),
        ("path", json_bytes(&f.path)),
        ("status", json_string(f.status.word())),
        ("reason", json_opt_str(reason(&f.status))),
        ("kind", json_opt_str(f.kind.map(Kind::word))),
        ("name", json_opt_bytes(f.name.as_deref())),
        (
            "version",
            json_opt_str(f.version.map(|v| Version(v).to_string()).as_deref()),
        ),
        ("version_number", json_opt(f.version)),
        ("max_hooks", json_opt(f.max_hooks)),
        (
            "hooks",
            f.hooks
                .map_or_else(|| "null".into(), |h| json_strings(&hook_names(h))),
        ),
        ("hooks_complete", f.hooks_complete.to_string()),
        ("init", json_opt_str(presence(f.init))),
        ("exit", json_opt_str(presence(f.exit))),
        ("loaded", f.loaded.to_string()),
        ("missing_symbols", json_strings(&f.missing_symbols)),
        (
            "duplicate_of",
            json_opt_bytes(match &f.status {
                Status::Alternative(first) => Some(&first[..]),
                _ => None,
            }),
        ),
        ("alternatives", json_byte_strings(&f.alternatives)),
        ("warnings", json_strings(&f.warnings)),
        ("notes", json_strings(&f.notes)),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("      {}: {v}", json_string(k)))
        .collect();
    format!("    {{\n{}\n    }}", body.join(",\n"))
}

/// Untrusted bytes (a file name, a path, a plugin name) made safe for a
/// terminal, as the loader writes them.
pub(crate) fn esc(b: &[u8]) -> Escaped<'_> {
    Escaped(b)
}

/// A sentence whose names are escaped already (as the loader logs it),
/// shown as it is; a control character left in it is escaped all the same,
/// so nothing reaches the terminal raw.
#[derive(Debug, Clone, Copy)]
pub struct Safe<'a>(pub &'a str);

impl std::fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut plain = 0;
        for (i, c) in self.0.char_indices() {
            if c.is_control() && (c as u32) < 0x80 {
                f.write_str(&self.0[plain..i])?;
                write!(f, "{}", Escaped(c.encode_utf8(&mut [0; 4]).as_bytes()))?;
                plain = i + 1;
            }
        }
        f.write_str(&self.0[plain..])
    }
}

/// One labelled line of a file's block.
pub(crate) fn field(o: &mut String, label: &str, value: impl std::fmt::Display) {
    let _ = writeln!(o, "   {label:<10} {value}");
}

/// The report's header: the folder, the loader's limits, the folder's
/// warnings and notes.
pub(crate) fn render_header(o: &mut String, report: &Report) {
    match (&report.folder, report.source) {
        (Some(folder), Some(source)) => {
            let _ = writeln!(o, "Plugin folder: {} (from {source})", esc(folder));
        }
        (Some(folder), None) => {
            let _ = writeln!(o, "Plugin folder: {}", esc(folder));
        }
        (None, _) => o.push_str("Plugin folder: none\n"),
    }
    let _ = writeln!(
        o,
        "Loader: plugin versions up to {}, {CR_PLUGIN_HOOK__MAX} hooks; strict mode {}",
        Version(CRIU_PLUGIN_VERSION),
        if report.strict { "on" } else { "off" }
    );
    if let Some(skip) = &report.skip {
        let names: Vec<String> = skip.names.iter().map(|n| esc(n).to_string()).collect();
        let _ = writeln!(o, "Skip list: {} (from {})", names.join(", "), skip.source);
    }
    for w in &report.warnings {
        let _ = writeln!(o, "warning: {}", Safe(w));
    }
    for n in &report.notes {
        let _ = writeln!(o, "note: {}", Safe(n));
    }
}

/// `N candidate files: 2 load, ...`, when there are candidates.
pub(crate) fn summary_line(report: &Report) -> Option<String> {
    if report.files.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for (word, label) in [
        ("loads", "load"),
        ("needs-host", "need CRIU's symbols"),
        ("not-loaded", "not loaded (untrusted)"),
        ("skipped", "skipped"),
        ("refused", "refused"),
        ("alternative", "later alternatives (not started)"),
    ] {
        let n = report.count(word);
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    Some(format!(
        "{} candidate file{}: {}.",
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
        parts.join(", ")
    ))
}

/// The report as text: a header, one block per file, a summary. The
/// folder's error, if any, is not in it: it goes to stderr.
pub fn render_human(report: &Report) -> String {
    let mut o = String::new();
    render_header(&mut o, report);
    for f in &report.files {
        o.push('\n');
        render_file(&mut o, f);
    }
    o.push('\n');
    if report.folder.is_some() && report.files.is_empty() && report.folder_error.is_none() {
        o.push_str("No candidate files (*.so): the loader loads no plugin.\n");
    }
    if let Some(line) = summary_line(report) {
        let _ = writeln!(o, "Summary: {line}");
    }
    if let Some(f) = report.first_refused() {
        let _ = writeln!(
            o,
            "CRIU's plugin initialisation would fail at {} (the first refused file), and no plugin would be used.",
            esc(&f.file)
        );
    } else if report.folder_error.is_some() {
        o.push_str(
            "CRIU's plugin initialisation would fail on the folder itself (the error is on stderr).\n",
        );
    }
    o
}

pub(crate) fn render_file(o: &mut String, f: &FileReport) {
    let _ = writeln!(o, "{}. {}", f.position, esc(&f.file));
    let status = match &f.status {
        Status::Refused(why) => format!("refused: {why}"),
        Status::NeedsHost => "needs-host: needs symbols from CRIU (see needs)".to_string(),
        Status::NotLoaded => "not-loaded: untrusted, not loaded by the inspector".to_string(),
        Status::Skipped(source) => {
            format!("skipped: named in {source}; the loader never opens it")
        }
        Status::Loads => "loads".to_string(),
        Status::Alternative(first) => format!(
            "alternative: closed without its init while {} starts, unless that init fails (the inspector calls no init)",
            esc(first)
        ),
    };
    field(o, "status", Safe(&status));
    let name = match (&f.name, f.name_known, f.kind) {
        (Some(n), _, _) => esc(n).to_string(),
        (None, true, _) => "(none: the loader names it by its path)".into(),
        (None, false, Some(_)) => "(unknown)".into(),
        (None, false, None) => "-".into(),
    };
    field(o, "name", name);
    field(o, "kind", f.kind.map_or("-", Kind::word));
    field(
        o,
        "version",
        f.version
            .map_or_else(|| "-".into(), |v| Version(v).to_string()),
    );
    field(o, "max_hooks", json_opt(f.max_hooks).replace("null", "-"));
    let hooks = match f.hooks {
        None => "(unknown)".to_string(),
        Some(h) => {
            let names = hook_names(h);
            let list = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            if f.hooks_complete {
                list
            } else {
                format!("{list} (from the file; hooks its constructors register are not known)")
            }
        }
    };
    field(o, "hooks", hooks);
    for (label, v) in [("init", f.init), ("exit", f.exit)] {
        let text = match v {
            Some(true) => "present (not called)",
            Some(false) => "absent",
            None => "(unknown)",
        };
        field(o, label, text);
    }
    if !f.missing_symbols.is_empty() {
        let names: Vec<String> = f
            .missing_symbols
            .iter()
            .map(|s| esc(s.as_bytes()).to_string())
            .collect();
        field(o, "needs", names.join(", "));
    }
    if !f.alternatives.is_empty() {
        let order: Vec<String> = f
            .alternatives
            .iter()
            .enumerate()
            .map(|(i, p)| match i {
                0 => format!("{} (expected to start)", esc(p)),
                _ => esc(p).to_string(),
            })
            .collect();
        field(o, "alternatives", order.join(", "));
    }
    for w in &f.warnings {
        field(o, "warning", Safe(w));
    }
    for n in &f.notes {
        field(o, "note", Safe(n));
    }
}
