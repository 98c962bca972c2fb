//! `criu-plugin-inspect`: lists a CRIU plugin folder's candidate files and
//! what the plugin loader would do with each, without calling any plugin's
//! `init`. See `criu-plugin-inspect --help`; the logic is in
//! `criu_plugin::inspect`.

fn main() {
    std::process::exit(criu_plugin::inspect::main(std::env::args_os().skip(1)));
}
