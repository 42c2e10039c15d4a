//! The `gongjiang` command.

/// mimalloc: the server allocates many small, short-lived buffers per request, and glibc's
/// allocator took about a tenth of the server's time in a profile of the exam load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gongjiang::cli::main()
}
