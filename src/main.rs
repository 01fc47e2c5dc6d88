fn main() -> std::process::ExitCode {
    marketsim::cli::main()
}
