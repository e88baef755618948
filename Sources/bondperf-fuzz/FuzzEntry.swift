#if FUZZING
  import BondPerfCore
  import Foundation

  /// libFuzzer's entry point: one input through ``ControlStreamDecoder``, as
  /// laid out by ``ControlStreamDecoder/init(fuzzInput:)``. A broken
  /// ``ControlStreamInvariants`` invariant traps, so libFuzzer saves the input.
  ///
  /// Built only with `-D FUZZING -sanitize=fuzzer` (`scripts/fuzz`).
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = ControlStreamInvariants.violations(fuzzInput: input)
    if !problems.isEmpty {
      fatalError("invariant broken: " + problems.joined(separator: "; "))
    }
    return 0
  }

  /// libFuzzer's driver (compiler-rt's `FuzzerDriver.cpp`), called from our own
  /// `main` because SwiftPM links every executable's `main` to its module.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
  ) -> Int32

  /// Hands the command line to libFuzzer (`-max_total_time=`, corpus directories, ...).
  @main
  struct FuzzMain {
    static func main() {
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      let status = runFuzzerDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) }
      exit(status)
    }
  }
#endif
