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
    /// The folder given on the command line, if any.
    pub folder: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            json: false,
            strict: false,
            load_untrusted: false,
            timeout: DEFAULT_TIMEOUT,
            folder: None,
        }
    }
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Inspect a folder.
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
            "--timeout needs a number of seconds between 0 and 86400, not '{text}'"
        )),
    }
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
            if opts.folder.is_some() {
                return Err(format!(
                    "only one FOLDER may be given (extra: '{}')",
                    arg.to_string_lossy()
                ));
            }
            opts.folder = Some(PathBuf::from(arg));
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
            _ => return Err(format!("unknown option '{}'", arg.to_string_lossy())),
        }
    }
    Ok(Command::Inspect(opts))
}

/// The complete `--help` text.
pub fn help_text() -> String {
    format!(
        r#"Usage: {TOOL} [--json] [--strict] [--load-untrusted]
                           [--timeout SECONDS] [FOLDER]

Lists every candidate plugin file of a CRIU plugin folder and what the plugin
loader (libcriu-plugin, CRIU's cr_plugin_init) would do with it, without
calling any plugin's init or exit.

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

Options
  --json               Print one JSON object (described below) instead of text.
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
  --timeout SECONDS    How long a plugin may take to load (default {timeout});
                       one still loading then is killed and refused.
  -h, --help           Print this text and exit.
  -V, --version        Print the tool's version and exit.

How files are inspected
  The candidates are the folder's entries whose names end in ".so", in load
  order: the byte order of their names. Each is opened with dlopen(RTLD_LAZY)
  in a child process, as the loader opens it: its constructors run there, so
  hooks registered with CR_PLUGIN_REGISTER_HOOK are seen, but its init and
  exit are never called, and a plugin that crashes, calls exit() or hangs in
  its constructors is reported without harming the tool. The tool then applies
  the loader's checks, in the loader's order: trust, loading, the
  descriptor's version and max_hooks, duplicate names, then symbols.

  A plugin that uses symbols only CRIU provides (opts, print_on_level, ...)
  cannot be loaded outside CRIU when it needs them at load time (data
  symbols), or loads but would fail when called (functions). Its undefined
  symbols that neither the C library, its own dependencies nor this tool
  provide are listed; what can be read from the file without running it (the
  descriptor's name, version and max_hooks, the hooks it sets statically,
  a legacy plugin's symbols) is still shown. The tool cannot tell a symbol
  CRIU provides from one CRIU lacks: check the list against your CRIU.

Output (text: one block per candidate file, numbered in load order)
  status     loads: the loader would load it (its init, not called here,
               may still fail);
             needs-host: it needs the symbols listed under "needs" from
               CRIU (the host) and passes every check that could be made;
             not-loaded: untrusted, so not loaded by the tool (see
               --load-untrusted); what the file says passes the checks;
             refused: WHY: the loader would refuse it, and why (not an ELF
               file, the dlopen error, crashed in its constructors: signal N
               (SIGxxx), version too new, max_hooks too big, duplicate name,
               untrusted in strict mode, ...).
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
  warning    an untrusted file (writable by group or others, or owned by
             a user other than root or the effective user), a legacy plugin.
  note       how the information was obtained.
  A summary follows: counts per status, and the first refused file, at which
  CRIU's plugin initialisation would fail (one refused plugin fails it all).

JSON (--json)
  {{"folder": PATH or null, "folder_source": "command line", "CRIU_LIBS_DIR"
  or "default" (or null), "folder_error": null or the loader's error,
  "warnings": [...], "notes": [...], "strict": BOOL,
  "supported_version": "{version}", "supported_max_hooks": {max},
  "summary": {{"candidates": N, "loads": N, "needs_host": N, "not_loaded": N,
  "refused": N}}, "first_refused": PATH or null, "exit_status": N,
  "plugins": [{{"position": N, "file": NAME, "path": PATH, "status": "loads",
  "needs-host", "not-loaded" or "refused", "reason": null or WHY, "kind":
  "descriptor", "legacy" or null, "name", "version" ("a.b.c"),
  "version_number", "max_hooks", "hooks": [NAMES] (null when unknown),
  "hooks_complete": BOOL, "init" and "exit": "present", "absent" or null,
  "loaded": BOOL (whether the tool could load it), "missing_symbols": [...],
  "duplicate_of": null or PATH, "warnings": [...], "notes": [...]}}, ...]}}
  Unknown values are null.

Exit status
  0  no candidate would be refused (there may be none, some may need CRIU's
     symbols or carry warnings);
  1  at least one candidate would be refused, or the folder cannot be read
     or is refused (strict mode), so CRIU's plugin initialisation would fail;
  2  usage error.
"#,
        default = probe::DEFAULT_PLUGIN_DIR,
        strict_env = probe::STRICT_ENV,
        timeout = DEFAULT_TIMEOUT.as_secs(),
        version = Version(CRIU_PLUGIN_VERSION),
        max = CR_PLUGIN_HOOK__MAX,
    )
}
