//! Command line: options, parsing, the `--help` text.

use super::*;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--json`: one JSON object instead of text.
    pub json: bool,
    /// `--strict`: judge as the loader does in strict mode.
    pub strict: bool,
    /// `--load-untrusted`: also run the code of files that fail the trust check.
    pub load_untrusted: bool,
    /// `--timeout SECONDS`: how long a plugin may take to load.
    pub timeout: Duration,
    /// The FOLDER or FILE given on the command line, if any.
    pub target: Option<PathBuf>,
    /// `--images DIR`: the images folder whose restore is checked.
    pub images: Option<PathBuf>,
    /// `--skip LIST`: the skip list, instead of `CRIU_PLUGIN_SKIP`'s.
    pub skip: Option<OsString>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            json: false,
            strict: false,
            load_untrusted: false,
            timeout: DEFAULT_TIMEOUT,
            target: None,
            images: None,
            skip: None,
        }
    }
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Inspect a folder or a file, or check a restore (`--images`).
    Inspect(Options),
    /// `--help`.
    Help,
    /// `--version`.
    Version,
}

pub(crate) fn parse_timeout(value: &OsStr) -> Result<Duration, String> {
    let text = value.to_string_lossy();
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "--timeout needs a number of seconds between 0 and 86400, not '{}'",
            Escaped(value.as_bytes())
        )),
    }
}

pub(crate) fn images_dir(value: &OsStr) -> Result<PathBuf, String> {
    if value.is_empty() {
        return Err("--images needs a folder name, not ''".into());
    }
    Ok(PathBuf::from(value))
}

/// Parses the arguments (without the program name). The error is the
/// message for a usage error.
pub fn parse_args<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, String> {
    let mut opts = Options::default();
    let mut args = args.into_iter();
    let mut only_operands = false;
    while let Some(arg) = args.next() {
        let bytes = arg.as_bytes();
        if only_operands || !bytes.starts_with(b"-") || bytes == b"-" {
            if opts.target.is_some() {
                return Err(format!(
                    "only one FOLDER or FILE may be given (extra: '{}')",
                    Escaped(bytes)
                ));
            }
            opts.target = Some(PathBuf::from(arg));
            continue;
        }
        match bytes {
            b"--" => only_operands = true,
            b"-h" | b"--help" => return Ok(Command::Help),
            b"-V" | b"--version" => return Ok(Command::Version),
            b"--json" => opts.json = true,
            b"--strict" => opts.strict = true,
            b"--load-untrusted" => opts.load_untrusted = true,
            b"--timeout" => {
                let value = args
                    .next()
                    .ok_or_else(|| "--timeout needs a value (seconds)".to_string())?;
                opts.timeout = parse_timeout(&value)?;
            }
            _ if bytes.starts_with(b"--timeout=") => {
                opts.timeout = parse_timeout(OsStr::from_bytes(&bytes[10..]))?;
            }
            b"--images" => {
                let value = args
                    .next()
                    .ok_or_else(|| "--images needs a value (the images folder)".to_string())?;
                opts.images = Some(images_dir(&value)?);
            }
            _ if bytes.starts_with(b"--images=") => {
                opts.images = Some(images_dir(OsStr::from_bytes(&bytes[9..]))?);
            }
            b"--skip" => {
                let value = args.next().ok_or_else(|| {
                    "--skip needs a value (plugin or file names, comma-separated)".to_string()
                })?;
                opts.skip = Some(value);
            }
            _ if bytes.starts_with(b"--skip=") => {
                opts.skip = Some(OsStr::from_bytes(&bytes[7..]).to_owned());
            }
            _ => return Err(format!("unknown option '{}'", Escaped(bytes))),
        }
    }
    Ok(Command::Inspect(opts))
}

/// The complete `--help` text.
pub fn help_text() -> String {
    format!(
        r#"Usage: {TOOL} [OPTIONS] [FOLDER | FILE]
       {TOOL} --images DIR [OPTIONS] [FOLDER]

Lists every candidate plugin file of a CRIU plugin folder, or judges one plugin
FILE, and tells what the plugin loader (libcriu-plugin, CRIU's cr_plugin_init)
would do with it, without calling any plugin's init or exit. With --images,
tells whether a restore of the images in DIR would find the plugins they need.

FOLDER
  The plugin folder to inspect. Without it, the folder the loader would use
  in this environment:
    1. the folder named by the environment variable CRIU_LIBS_DIR (ignored
       in secure-execution mode, set-user-ID or file capabilities, as the
       loader ignores it);
    2. else the default folder, fixed when the library was built:
         {default}
       if it exists;
    3. else none: the loader would load no plugin.
  Inside CRIU, its --libdir option comes before both: to inspect that
  folder, give it as FOLDER.

FILE
  One plugin file (anything that exists and is not a folder), judged alone
  as the loader would judge it in its folder: the trust of the file and of
  its folder, loading it, its descriptor. A name that does not end in ".so"
  is judged too, with a warning: the loader never loads such a file.

Options
  --json               Print one JSON object (see JSON below) instead of text.
  --strict             Judge as the loader does in strict mode: a file or
                       folder that fails the trust check is refused instead
                       of warned about. The environment variable
                       {strict_env}=1 (also yes, on, true), which turns
                       the loader's strict mode on, does the same.
                       Symbols the tool cannot find are taken to come from
                       CRIU (needs-host), in strict mode too.
  --load-untrusted     Also load files that fail the trust check, or that
                       lie in a folder that fails it. By default the tool
                       does not run their code and shows only what can be
                       read from the file (status not-loaded).
  --skip LIST          Judge with LIST as the loader's skip list, instead
                       of the environment variable {skip_env} (which
                       the tool reads otherwise, as the loader does; it is
                       ignored in secure-execution mode, --skip is not):
                       plugin names or file names, comma-separated; ""
                       skips nothing. The loader never opens a plugin the
                       list names, nor does the tool (status skipped).
  --timeout SECONDS    How long a plugin may take to load (default {timeout});
                       one still loading then is killed and refused.
  --images DIR         Read DIR/inventory.img, the images' record of the
                       dump, and tell whether a restore of them would find
                       every plugin they need in FOLDER (see Restores).
  -h, --help           Print this text and exit.
  -V, --version        Print the tool's version and exit.

How files are inspected
  The candidates are the folder's entries whose names end in ".so", in load
  order: the byte order of their names. Each is opened with dlopen(RTLD_LAZY)
  in a child process, as the loader opens it: its constructors run there, so
  hooks registered with CR_PLUGIN_REGISTER_HOOK are seen, but its init and
  exit are never called, and a plugin that crashes, calls exit() or hangs in
  its constructors is reported without harming the tool. The tool then applies
  the loader's checks, in the loader's order: the skip list, trust, loading,
  the descriptor's symbol, version and max_hooks, alternatives, then
  symbols.

  Alternatives: files of the folder whose descriptors give the same plugin
  name are alternatives of that plugin, tried in load order. The loader
  starts the first whose init succeeds and closes the later ones without
  their init. The tool calls no init, so it expects the first to start and
  shows each group, in the order the loader would try it.

  Trust, as the loader checks it: every folder from / down to the plugin
  folder, and for a plugin file that is a symbolic link every folder and
  link on the way to its target, must be owned by root or the effective
  user, and a folder on the way may be writable by others only when it is
  sticky (/tmp); the plugin folder and each plugin file must not be
  writable by group or others. Each failure is a warning, a refusal in
  strict mode (see --strict).

  The skip list ({skip_env} or --skip) names plugins by their plugin
  name (the descriptor's name; a legacy plugin's is its path) or by their
  file name in the folder. The loader reads a plugin's name from the file
  without opening it, and never opens a plugin the list names: nor does
  the tool. An entry that names no file of the folder is warned about.

  What the loader refuses before dlopen is not opened by the child either: a
  file that is not a regular file (a FIFO, a socket, a device, a folder), and
  one shorter than its loadable segments (mapping it would fault). A file is
  read only after its ELF headers passed, and at most {limit} MiB of it; no
  section header is read (dlopen ignores them). CR_PLUGIN_DESC is checked
  against its symbol table entry (a data object of at least 32 bytes, and of
  the hook slots its max_hooks claims) before its fields are read.

  A plugin that uses symbols only CRIU provides (opts, print_on_level, ...)
  cannot be loaded outside CRIU when it needs them at load time (data
  symbols), or loads but would fail when called (functions). Its undefined
  symbols that neither the C library, its own dependencies nor this tool
  provide are listed; what can be read from the file without running it (the
  descriptor's name, version and max_hooks, the hooks it sets statically,
  a legacy plugin's symbols) is still shown. The tool cannot tell a symbol
  CRIU provides from one CRIU lacks: check the list against your CRIU.

Restores (--images DIR)
  CRIU 4.1 and later record in the images' inventory.img the names of the
  plugins that took part in the dump (each one's init calls
  add_inventory_plugin). At restore, each plugin's init calls
  check_and_remove_inventory_plugin with its own descriptor's name, and
  when names are left after every init, cr_plugin_init fails with "Missing
  required plugin: NAME" for each. The tool mirrors CRIU's rule exactly:
  each file of FOLDER that would load (loads, needs-host or not-loaded), in
  load order, takes the first name left, in CRIU's list order (the reverse
  of the file's), for which strncmp(name, recorded, strlen(name)) is 0. So a
  recorded name that merely starts with a plugin's name counts as found (a
  plugin named "cuda_plugin" takes "cuda_plugin_v2"), a plugin takes at most
  one name, and legacy plugins, descriptors without a name and skipped
  plugins (never loaded) take none.
  The tool cannot tell whether a plugin's init really makes that call:
  CRIU's own plugins do.
  Images without a plugin list (written by a CRIU before 4.1) require no
  plugin: CRIU then lets every loaded plugin take part. The restore also
  fails at cr_plugin_init when any file of FOLDER would be refused, or
  FOLDER itself would. Without FOLDER, the folder the loader would use (see
  FOLDER); inside CRIU, restore's --libdir comes first.

Output (text: one block per candidate file, numbered in load order)
  status     loads: the loader would load it (its init, not called here,
               may still fail);
             needs-host: it needs the symbols listed under "needs" from
               CRIU (the host) and passes every check that could be made;
             not-loaded: untrusted, so not loaded by the tool (see
               --load-untrusted); what the file says passes the checks;
             skipped: named in the skip list ({skip_env} or
               --skip): the loader never opens it, nor does the tool;
             refused: WHY: the loader would refuse it, and why (not an ELF
               file, the dlopen error, crashed in its constructors: signal N
               (SIGxxx), version too new, max_hooks too big, untrusted in
               strict mode, ...);
             alternative: a later alternative of a plugin an earlier file
               is expected to start: closed without its init, unless that
               file's init fails (the tool calls no init).
  name       the descriptor's name (a legacy plugin is named by its path,
             as the loader names it).
  kind       descriptor (it exports CR_PLUGIN_DESC) or legacy (it exports
             cr_plugin_init and cr_plugin_<hook> functions instead;
             deprecated).
  version    the plugin interface version it was built for, as a.b.c (the
             loader supports up to {version}; legacy plugins are 0.1.0).
  max_hooks  the number of hook slots it claims (the loader knows {max}).
  hooks      the hooks it registers, by name, after its constructors ran;
             "(from the file)" when only what the file says is known.
  init, exit present or absent (never called by the tool).
  needs      the symbols it needs that nothing outside CRIU provides.
  alternatives  the files of its plugin name, in the order the loader
             tries them, the one expected to start first.
  warning    an untrusted file (writable by group or others, or owned by
             a user other than root or the effective user), an untrusted
             folder or link on the path to a linked file's target, a
             legacy plugin.
  note       how the information was obtained.
  Warnings before the blocks are the loader's on the folder (the folder
  itself, or a folder on the path to it) and on the skip list (an entry
  that names no file of the folder; not said of a FILE alone).
  A summary follows: counts per status, and the first refused file, at which
  CRIU's plugin initialisation would fail (one refused plugin fails it all).
  With --images: each plugin the images need, with the file that provides
  it or "missing", the files no recorded name needs, a "Missing required
  plugin: NAME" line for each name left (in CRIU's order), and the verdict.
  File names, paths and plugin names are written with control characters,
  backslashes and invalid UTF-8 escaped (\n, \t, \r, \\, \xHH), as the loader
  writes them in its log. Errors (a folder or an inventory.img that cannot
  be read) go to stderr.

JSON (--json)
  One object. Unknown values are null; file names, paths, plugin and
  symbol names are the file system's bytes, invalid UTF-8 replaced by
  U+FFFD; sentences ("reason", "warnings", "notes", "folder_error") are
  the loader's, with the names in them escaped as in the text (\xHH).
  "schema"              {schema}: the version of this layout, raised when a field
                        changes meaning or goes away (not for new fields).
  "inspected"           "folder" or "file": what the operand names.
  "folder"              the folder inspected (a FILE's folder), or null when
                        there is none.
  "folder_source"       "command line", "CRIU_LIBS_DIR", "default", or null.
  "folder_error"        null, or the loader's error on the folder (it cannot
                        be read, or is refused in strict mode).
  "warnings", "notes"   the loader's warnings on the folder, the path to it
                        and the skip list; how the folder was chosen
                        (arrays of strings).
  "strict"              true when judged as in strict mode.
  "skip"                null, or the skip list applied: {{"source":
                        "CRIU_PLUGIN_SKIP" or "--skip", "names": its
                        entries}}.
  "supported_version"   the newest plugin version the loader takes, "a.b.c".
  "supported_max_hooks" the number of hooks the loader knows.
  "summary"             the number of files per status: {{"candidates",
                        "loads", "needs_host", "not_loaded", "skipped",
                        "refused", "alternative"}}.
  "first_refused"       the path of the first refused file, or null.
  "exit_status"         the tool's exit status (see Exit status).
  "plugins"             one object per candidate file, in load order:
    "position"          its place in load order, from 1.
    "file", "path"      its name; its path, as the loader builds it.
    "status"            "loads", "needs-host", "not-loaded", "skipped",
                        "refused" or "alternative".
    "reason"            why it is refused, or null.
    "kind"              "descriptor", "legacy" or null.
    "name"              the plugin's name (a legacy plugin's path).
    "version"           the version it was built for, "a.b.c".
    "version_number"    the same as a number.
    "max_hooks"         the hook slots it claims.
    "hooks"             the hooks it registers, by name, or null.
    "hooks_complete"    false when only the hooks the file sets are known.
    "init", "exit"      "present", "absent" or null.
    "loaded"            whether the tool could load it (true or false).
    "missing_symbols"   the symbols it needs that only CRIU can provide.
    "duplicate_of"      for an alternative, the earlier file with its
                        plugin name, expected to start instead; else null.
    "alternatives"      the files of its plugin name in the order the
                        loader tries them (empty: it has no alternative).
    "warnings", "notes" the loader's warnings on it; how it was read.
  With --images the object is instead:
  "schema"              {schema}, as above.
  "images"              DIR.
  "inventory"           DIR/inventory.img.
  "img_version"         its images version (current CRIU writes 2).
  "dump_criu_run_id"    the id of the CRIU run that dumped, or null.
  "plugins_recorded"    false when the images hold no plugin list (CRIU
                        before 4.1): no plugin is then required.
  "needed"              one object per recorded name, in the file's order:
    "name"              the recorded name.
    "provided_by"       the path of the file that takes it, or null.
    "provider_name"     that file's plugin name, or null.
    "provider_status"   that file's status, or null.
  "missing"             the names left, in the order CRIU reports them.
  "unneeded"            the paths of files that would load (not skipped),
                        taking no name.
  "satisfied"           true when the restore's plugins are all found and
                        no file or folder would be refused.
  "exit_status"         the tool's exit status.
  "inspection"          FOLDER's object, as --json without --images prints.

Exit status
  0  no candidate would be refused (there may be none, some may need CRIU's
     symbols, be skipped or carry warnings); with --images: the restore
     would find every plugin the images need;
  1  at least one candidate would be refused, or the folder cannot be read
     or is refused (strict mode), so CRIU's plugin initialisation would fail;
     with --images: also when a plugin the images need is missing;
  2  usage error, or DIR/inventory.img cannot be read (missing, truncated,
     not an inventory), or the output cannot be written.
"#,
        default = probe::DEFAULT_PLUGIN_DIR,
        strict_env = Escaped(probe::STRICT_ENV.to_bytes()),
        skip_env = Escaped(probe::SKIP_ENV.to_bytes()),
        timeout = DEFAULT_TIMEOUT.as_secs(),
        version = Version(CRIU_PLUGIN_VERSION),
        max = CR_PLUGIN_HOOK__MAX,
        limit = READ_LIMIT >> 20,
        schema = SCHEMA,
    )
}
