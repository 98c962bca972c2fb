fn main() {
    println!("cargo:rustc-env=CRIU_PLUGIN_OPTS_LIBDIR_OFFSET=160");
    println!("cargo:rustc-env=CRIU_PLUGIN_DEFAULT_DIR=/usr/lib/criu/");
}
