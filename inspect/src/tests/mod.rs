//! Unit tests of the pure parts: arguments, records, judging, output,
//! file facts and restore checks; this file holds what they share.

use super::*;
use criu_plugin::abi::gen_version;

mod command_line;
mod file_facts;
mod judging;
mod output;
mod records;
mod restore;

fn args(list: &[&str]) -> Result<Command, String> {
    parse_args(list.iter().map(OsString::from))
}

fn loaded_record(name: &str, hooks: HookSet) -> Record {
    Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        name: Some(Some(name.into())),
        version: Some(CRIU_PLUGIN_VERSION),
        max_hooks: Some(15),
        hooks: Some(hooks),
        init: Some(true),
        exit: Some(false),
        end: true,
        ..Record::default()
    }
}

fn evidence(path: &str, record: Option<Record>, ending: Ending) -> Evidence {
    Evidence {
        position: 1,
        path: path.into(),
        facts: FileFacts::default(),
        run: record.map(|record| Run { record, ending }),
        untrusted: None,
        path_concern: None,
        skipped_by: None,
        not_run: None,
    }
}

fn static_facts(name: &str, version: u32) -> FileFacts {
    FileFacts {
        plugin: Some(probe::FilePlugin::Descriptor(probe::FileDescriptor {
            // A defined global data object of 152 bytes.
            symbol: probe::Symbol {
                name: 1,
                info: 0x11,
                shndx: 1,
                value: 0x4000,
                size: 152,
            },
            bad: None,
            name: Some(CString::new(name).unwrap()),
            version: Some(version),
            max_hooks: Some(15),
            hooks: HookSet::of(Hook::DumpExtFile),
            init: true,
            exit: false,
        })),
        ..FileFacts::default()
    }
}

fn named(position: usize, path: &str, name: Option<&str>, status: Status) -> FileReport {
    let mut f = FileReport::new(position, path.as_bytes());
    f.kind = Some(Kind::Descriptor);
    f.name = name.map(Into::into);
    f.name_known = true;
    f.status = status;
    f
}

fn sample_report() -> Report {
    let mut good = named(1, "/d/a.so", Some("good \"one\""), Status::Loads);
    good.version = Some(CRIU_PLUGIN_VERSION);
    good.max_hooks = Some(15);
    good.hooks = Some(HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking));
    good.hooks_complete = true;
    good.init = Some(true);
    good.exit = Some(false);
    good.loaded = true;
    let mut bad = named(
        2,
        "/d/b.so",
        Some("b"),
        Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into()),
    );
    bad.version = Some(gen_version(0, 3, 0));
    bad.warnings.push("a\tb\nc".into());
    Report {
        inspected: Inspected::Folder,
        folder: Some("/d".into()),
        source: Some("command line"),
        folder_error: None,
        skip: None,
        warnings: vec![],
        notes: vec![],
        strict: false,
        files: vec![good, bad],
    }
}
