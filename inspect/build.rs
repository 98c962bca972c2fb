//! Exports the library's C entry points from the tool, so the plugins it
//! opens in its child process find `criu_get_image_dir` and the rest as
//! they would inside CRIU (which exports them from libcriu-plugin.so).

fn main() {
    for pattern in ["criu_get_image_dir", "cr_plugin_*"] {
        println!("cargo:rustc-link-arg-bins=-Wl,--export-dynamic-symbol={pattern}");
    }
}
