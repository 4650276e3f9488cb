use std::process::ExitCode;

fn main() -> ExitCode {
    obssl::app::run(std::env::args_os())
}
