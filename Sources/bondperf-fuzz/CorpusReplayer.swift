#if !FUZZING
  import BondPerfCore
  import Foundation

  /// `bondperf-fuzz FILE|DIR... [-v]`: runs every file (directories are walked)
  /// through ``ControlStreamDecoder`` and its invariants, as the fuzz target
  /// does, and prints a one-line summary. Exits 1 if an invariant broke.
  ///
  /// This is the normal build; `scripts/fuzz` builds the libFuzzer target
  /// from the same folder with `-D FUZZING`.
  @main
  struct CorpusReplayer {
    static func main() {
      var arguments = Array(CommandLine.arguments.dropFirst())
      let verbose = arguments.contains("-v")
      arguments.removeAll { $0 == "-v" }
      guard !arguments.isEmpty, !arguments.contains(where: { $0 == "-h" || $0 == "--help" })
      else {
        print(
          "usage: bondperf-fuzz FILE|DIR... [-v]   replay fuzz inputs through the control-protocol decoder"
        )
        exit(arguments.isEmpty ? 2 : 0)
      }
      var tally = ReplayTally()
      for path in arguments {
        let files = inputFiles(at: path)
        if files.isEmpty { tally.unreadable.append(path) }
        for file in files {
          guard let data = FileManager.default.contents(atPath: file) else {
            tally.unreadable.append(file)
            continue
          }
          let input = Array(data)
          let problems = ControlStreamInvariants.violations(fuzzInput: input)
          let outcome = ControlStreamDecoder.decode(fuzzInput: input)
          tally.add(outcome, problems: problems)
          if verbose || !problems.isEmpty {
            let end = outcome.failure.map { "\($0)" } ?? "finished in \(outcome.state)"
            print("\(file): \(outcome.role), \(end)")
            for problem in problems { print("  INVARIANT BROKEN: \(problem)") }
          }
        }
      }
      print(tally.summary)
      exit(tally.violations > 0 || !tally.unreadable.isEmpty ? 1 : 0)
    }

    /// The regular files at `path`, sorted; a directory is walked recursively.
    static func inputFiles(at path: String) -> [String] {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        return []
      }
      guard isDirectory.boolValue else { return [path] }
      let walker = FileManager.default.enumerator(atPath: path)
      var files: [String] = []
      while let relative = walker?.nextObject() as? String {
        let full = (path as NSString).appendingPathComponent(relative)
        var nested: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue {
          files.append(full)
        }
      }
      return files.sorted()
    }
  }
#endif
