fn main() -> std::process::ExitCode {
    hoist::main()
}
