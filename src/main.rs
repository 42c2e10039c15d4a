//! The `gongjiang` command.

fn main() -> std::process::ExitCode {
    gongjiang::cli::main()
}
