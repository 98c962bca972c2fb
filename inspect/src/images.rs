//! `--images DIR`: whether a restore of the images in DIR would find the
//! plugins they need, by CRIU's own rule.
//!
//! CRIU 4.1 and later write into `inventory.img` the names that plugins
//! recorded at dump time (`add_inventory_plugin`). At restore, CRIU adds
//! them to a list, each at its head, so the list runs in the reverse of
//! the file's order. Every plugin's init then calls
//! `check_and_remove_inventory_plugin(name, strlen(name))` with its own
//! descriptor's name, which removes the first entry of the list for which
//! `strncmp(name, entry, strlen(name))` is 0 (the entry starts with the
//! name); names left after every init fail `cr_plugin_init`, one "Missing
//! required plugin" message each, in list order. Images with no plugin
//! list at all (a CRIU before 4.1) require nothing.

use super::*;
use inventory::{ByteOrder, Inventory, InventoryError, Plugins};

/// The name a file would pass to `check_and_remove_inventory_plugin`, if
/// the loader would load it (neither refused nor skipped): its
/// descriptor's name. Legacy plugins and descriptors without a name take no
/// recorded name.
pub(crate) fn claiming_name(f: &FileReport) -> Option<&[u8]> {
    if !f.status.would_load() || f.kind != Some(Kind::Descriptor) {
        return None;
    }
    f.name.as_deref()
}

/// CRIU's matching, pure: `plugins` are the claiming names of the folder's
/// files in load order; the result gives, for each recorded name (in the
/// file's order), the index of the plugin that takes it. Each plugin takes
/// the first name left in CRIU's list order (the reverse of the file's)
/// that starts with its own name, bytewise, as `strncmp(name, recorded,
/// strlen(name)) == 0` decides; an empty name takes any.
pub fn take_names(recorded: &[String], plugins: &[Option<&[u8]>]) -> Vec<Option<usize>> {
    let mut taken: Vec<Option<usize>> = vec![None; recorded.len()];
    for (i, name) in plugins.iter().enumerate() {
        let Some(name) = name else { continue };
        let first = (0..recorded.len())
            .rev()
            .find(|&j| taken[j].is_none() && recorded[j].as_bytes().starts_with(name));
        if let Some(j) = first {
            taken[j] = Some(i);
        }
    }
    taken
}

/// A restore check: the images' inventory and the folder's inspection.
#[derive(Debug, Clone)]
pub struct RestoreCheck {
    /// The images folder, as given.
    pub images: Vec<u8>,
    /// Its `inventory.img`.
    pub inventory_path: Vec<u8>,
    /// What the inventory says.
    pub inventory: Inventory,
    /// The plugin folder's inspection.
    pub report: Report,
    /// For each recorded name (the file's order), the index in
    /// `report.files` of the file that takes it.
    pub providers: Vec<Option<usize>>,
}

impl RestoreCheck {
    /// Matches the inventory's names against the inspected folder.
    pub fn new(
        images: &Path,
        inventory_path: &Path,
        inventory: Inventory,
        report: Report,
    ) -> RestoreCheck {
        let claiming: Vec<Option<&[u8]>> = report.files.iter().map(claiming_name).collect();
        let providers = take_names(inventory.plugins.names().unwrap_or(&[]), &claiming);
        RestoreCheck {
            images: images.as_os_str().as_bytes().to_vec(),
            inventory_path: inventory_path.as_os_str().as_bytes().to_vec(),
            inventory,
            report,
            providers,
        }
    }

    /// The recorded names, in the file's order (none when not recorded).
    pub fn recorded(&self) -> &[String] {
        self.inventory.plugins.names().unwrap_or(&[])
    }

    /// The names no plugin takes, in the order CRIU reports them (its list
    /// order: the reverse of the file's).
    pub fn missing(&self) -> Vec<&str> {
        self.recorded()
            .iter()
            .zip(&self.providers)
            .rev()
            .filter(|(_, p)| p.is_none())
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The files that would load (neither refused nor skipped) and take no
    /// recorded name.
    pub fn unneeded(&self) -> Vec<&FileReport> {
        self.report
            .files
            .iter()
            .enumerate()
            .filter(|(i, f)| f.status.would_load() && !self.providers.contains(&Some(*i)))
            .map(|(_, f)| f)
            .collect()
    }

    /// Whether the restore's `cr_plugin_init` would pass: no refused file
    /// or folder, and no name left.
    pub fn satisfied(&self) -> bool {
        self.report.exit_status() == 0 && self.providers.iter().all(Option::is_some)
    }

    /// 0 when satisfied, else 1.
    pub fn exit_status(&self) -> i32 {
        i32::from(!self.satisfied())
    }
}

/// The skipped file that would have taken the recorded `name` (it starts
/// with the file's plugin name), if one would: why a restore misses it.
pub(crate) fn skipped_provider<'c>(c: &'c RestoreCheck, name: &str) -> Option<&'c FileReport> {
    c.report.files.iter().find(|f| {
        matches!(f.status, Status::Skipped(_))
            && f.kind == Some(Kind::Descriptor)
            && f.name
                .as_deref()
                .is_some_and(|n| name.as_bytes().starts_with(n))
    })
}

/// Reads `images/inventory.img`; the error is the message for stderr.
pub fn read_inventory(images: &Path) -> Result<(PathBuf, Inventory), String> {
    let path = images.join("inventory.img");
    match inventory::read(&path) {
        Ok(inv) => Ok((path, inv)),
        Err(e @ InventoryError::NotFound { .. }) => Err(format!(
            "cannot read the images' inventory: {e} (is {} a folder of CRIU images?)",
            Escaped(images.as_os_str().as_bytes())
        )),
        Err(
            e @ (InventoryError::Io { .. }
            | InventoryError::NotRegular { .. }
            | InventoryError::TooLarge { .. }),
        ) => Err(format!("cannot read the images' inventory: {e}")),
        Err(e) => Err(format!(
            "cannot read the images' inventory: {}: {e}",
            Escaped(path.as_os_str().as_bytes())
        )),
    }
}

fn byte_order_word(order: ByteOrder) -> &'static str {
    match order {
        ByteOrder::Little => "little-endian",
        ByteOrder::Big => "big-endian",
    }
}

/// The restore check as text.
pub fn render_restore_human(c: &RestoreCheck) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Images: {}", esc(&c.images));
    let mut about = format!("images version {}", c.inventory.img_version);
    if c.inventory.byte_order == ByteOrder::Big {
        let _ = write!(about, ", {}", byte_order_word(c.inventory.byte_order));
    }
    if let Some(id) = &c.inventory.dump_criu_run_id {
        let _ = write!(about, ", dumped by CRIU run {}", esc(id.as_bytes()));
    }
    let _ = writeln!(o, "Inventory: {} ({about})", esc(&c.inventory_path));
    render_header(&mut o, &c.report);
    o.push('\n');
    match &c.inventory.plugins {
        Plugins::NotRecorded => o.push_str(
            "The images record no plugin list (written by a CRIU before 4.1): no plugin is required; every plugin that loads takes part.\n",
        ),
        Plugins::Recorded(names) if names.is_empty() => {
            o.push_str("The images need no plugin (their plugin list is empty).\n");
        }
        Plugins::Recorded(names) => {
            let _ = writeln!(
                o,
                "Plugins the images need ({}, as inventory.img lists them):",
                names.len()
            );
            let width = names
                .iter()
                .map(|n| esc(n.as_bytes()).to_string().len())
                .max()
                .unwrap_or(0);
            for (name, provider) in names.iter().zip(&c.providers) {
                let shown = esc(name.as_bytes()).to_string();
                let what = match provider.map(|i| &c.report.files[i]) {
                    Some(f) => format!(
                        "provided by {} (\"{}\", {})",
                        esc(&f.file),
                        esc(f.name.as_deref().unwrap_or_default()),
                        f.status.word()
                    ),
                    None => match skipped_provider(c, name) {
                        Some(f) => format!(
                            "missing: {} would provide it, but it is skipped (named in {})",
                            esc(&f.file),
                            match &f.status {
                                Status::Skipped(source) => source.as_str(),
                                _ => "",
                            }
                        ),
                        None => "missing".into(),
                    },
                };
                let _ = writeln!(o, "  {shown:<width$}  {what}");
            }
        }
    }
    let unneeded = c.unneeded();
    if !unneeded.is_empty() && c.inventory.plugins != Plugins::NotRecorded {
        let list: Vec<String> = unneeded
            .iter()
            .map(|f| match &f.name {
                Some(name) if f.kind == Some(Kind::Descriptor) => {
                    format!("{} (\"{}\")", esc(&f.file), esc(name))
                }
                _ => esc(&f.file).to_string(),
            })
            .collect();
        let _ = writeln!(
            o,
            "Loaded, but needed by no recorded name: {} (CRIU's amdgpu and cuda plugins then disable themselves)",
            list.join(", ")
        );
    }
    o.push('\n');
    if let Some(line) = summary_line(&c.report) {
        let _ = writeln!(o, "Plugin folder: {line}");
    }
    for name in c.missing() {
        let _ = writeln!(o, "Missing required plugin: {}", esc(name.as_bytes()));
    }
    let missing = c.missing().len();
    if c.satisfied() {
        o.push_str("The restore would find every plugin the images need.\n");
    } else if let Some(f) = c.report.first_refused() {
        let _ = writeln!(
            o,
            "The restore would fail at cr_plugin_init: {} would be refused ({}){}.",
            esc(&f.file),
            Safe(reason(&f.status).unwrap_or_default()),
            if missing > 0 {
                format!(", and {missing} plugin(s) the images need are missing")
            } else {
                String::new()
            }
        );
    } else if c.report.folder_error.is_some() {
        o.push_str(
            "The restore would fail at cr_plugin_init: the plugin folder cannot be used (the error is on stderr).\n",
        );
    } else {
        let _ = writeln!(
            o,
            "The restore would fail at cr_plugin_init: {missing} plugin{} the images need {} missing.",
            if missing == 1 { "" } else { "s" },
            if missing == 1 { "is" } else { "are" }
        );
    }
    o
}

/// The restore check as one JSON object.
pub fn render_restore_json(c: &RestoreCheck) -> String {
    let needed: Vec<String> = c
        .recorded()
        .iter()
        .zip(&c.providers)
        .map(|(name, provider)| {
            let f = provider.map(|i| &c.report.files[i]);
            format!(
                "    {{\"name\": {}, \"provided_by\": {}, \"provider_name\": {}, \"provider_status\": {}}}",
                json_string(name),
                json_opt_bytes(f.map(|f| &f.path[..])),
                json_opt_bytes(f.and_then(|f| f.name.as_deref())),
                json_opt_str(f.map(|f| f.status.word()))
            )
        })
        .collect();
    let unneeded: Vec<&[u8]> = c.unneeded().iter().map(|f| &f.path[..]).collect();
    let inspection = render_json(&c.report);
    let inspection = inspection.trim_end().replace('\n', "\n  ");
    let mut o = String::from("{\n");
    let _ = writeln!(o, "  \"schema\": {SCHEMA},");
    let _ = writeln!(o, "  \"images\": {},", json_bytes(&c.images));
    let _ = writeln!(o, "  \"inventory\": {},", json_bytes(&c.inventory_path));
    let _ = writeln!(o, "  \"img_version\": {},", c.inventory.img_version);
    let _ = writeln!(
        o,
        "  \"dump_criu_run_id\": {},",
        json_opt_str(c.inventory.dump_criu_run_id.as_deref())
    );
    let _ = writeln!(
        o,
        "  \"plugins_recorded\": {},",
        c.inventory.plugins != Plugins::NotRecorded
    );
    if needed.is_empty() {
        o.push_str("  \"needed\": [],\n");
    } else {
        let _ = writeln!(o, "  \"needed\": [\n{}\n  ],", needed.join(",\n"));
    }
    let _ = writeln!(o, "  \"missing\": {},", json_strings(&c.missing()));
    let _ = writeln!(o, "  \"unneeded\": {},", json_byte_strings(&unneeded));
    let _ = writeln!(o, "  \"satisfied\": {},", c.satisfied());
    let _ = writeln!(o, "  \"exit_status\": {},", c.exit_status());
    let _ = writeln!(o, "  \"inspection\": {inspection}");
    o.push_str("}\n");
    o
}
