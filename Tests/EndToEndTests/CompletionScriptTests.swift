import Foundation
import Testing

/// The shell completion scripts scripts/package puts in the .deb: generated from the
/// command definitions (`--generate-completion-script`), so they are never stale, but
/// generation must work and cover every command and flag. The flags are read from
/// `bondperf SUBCOMMAND --help`, a second view of the same definitions.
/// (scripts/package-test checks the generated man pages the same way.)
struct CompletionScriptTests {
  static let shells = ["bash", "zsh", "fish"]
  static let checkedSubcommands = ["client", "server"]

  static func run(_ arguments: [String]) throws -> String {
    let output = try TestbedSupport.run(
      [TestbedSupport.binary] + arguments, timeout: 30, environment: [:])
    guard output.status == 0 else {
      throw E2EError(
        "bondperf \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
    }
    return output.stdout
  }

  /// The subcommands `bondperf --help` lists.
  static func subcommands() throws -> [String] {
    let help = try run(["--help"])
    let section = try #require(help.components(separatedBy: "SUBCOMMANDS:").last)
    return section.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
      return line.split(separator: " ").first.map(String.init)
    }.filter { $0 != "See" }
  }

  /// Every flag `bondperf SUBCOMMAND --help` shows: long names (`--port`) and short
  /// ones (`-p`), without --help and --version.
  static func flags(of subcommand: String) throws -> (long: Set<String>, short: Set<String>) {
    let help = try run([subcommand, "--help"])
    var long: Set<String> = []
    var short: Set<String> = []
    for line in help.split(separator: "\n") where line.hasPrefix("  -") {
      // "-p, --port <port>  ..." or "--bond <bond>  ...": the names end at the first
      // word that is neither "-x," nor "--long".
      for word in line.drop(while: { $0 == " " }).split(separator: " ") {
        let name = word.hasSuffix(",") ? word.dropLast() : word
        if name.hasPrefix("--") {
          long.insert(String(name))
        } else if name.hasPrefix("-"), name.count == 2 {
          short.insert(String(name))
        } else {
          break
        }
        if !word.hasSuffix(",") { break }
      }
    }
    long.subtract(["--help", "--version"])
    short.remove("-h")
    return (long, short)
  }

  /// The part of a bash or zsh script that completes `bondperf SUBCOMMAND`.
  static func function(_ name: String, in script: String) throws -> String {
    let start = try #require(
      script.range(of: "\n\(name)() {\n"), "no function \(name)() in the script")
    let end = script.range(of: "\n}\n", range: start.upperBound..<script.endIndex)
    return String(script[start.upperBound..<(end?.lowerBound ?? script.endIndex)])
  }

  @Test func helpListsTheCommandsAndFlags() throws {
    #expect(
      try Self.subcommands() == [
        "client", "server", "compare", "hash", "plan", "inspect", "exporter",
      ])
    let server = try Self.flags(of: "server")
    #expect(
      server.long.isSuperset(of: [
        "--port", "--one-off", "--allow", "--slaves", "--bond", "--journal",
      ]))
    #expect(server.short.isSuperset(of: ["-p", "-1", "-J"]))
    let client = try Self.flags(of: "client")
    #expect(
      client.long.isSuperset(of: ["--parallel", "--time", "--reverse", "--no-pin", "--prometheus"]))
    #expect(client.short.isSuperset(of: ["-P", "-t", "-R"]))
  }

  @Test(arguments: shells)
  func scriptCompletesEverySubcommand(shell: String) throws {
    let script = try Self.run(["--generate-completion-script", shell])
    let root = shell == "fish" ? script : try Self.function("_bondperf", in: script)
    for subcommand in try Self.subcommands() {
      let offered = shell == "fish" ? "-fa '\(subcommand)'" : subcommand
      #expect(root.contains(offered), "the \(shell) script does not offer '\(subcommand)'")
    }
  }

  @Test(arguments: shells, checkedSubcommands)
  func scriptCompletesEveryFlag(shell: String, subcommand: String) throws {
    let script = try Self.run(["--generate-completion-script", shell])
    let flags = try Self.flags(of: subcommand)
    #expect(!flags.long.isEmpty)
    if shell == "fish" {
      let lines = script.split(separator: "\n").filter { $0.contains("\"bondperf \(subcommand)\"") }
      let text = lines.joined(separator: "\n")
      for flag in flags.long {
        let found = text.contains("-l '\(flag.dropFirst(2))'")
        #expect(found, "fish: \(subcommand) \(flag) missing")
      }
      for flag in flags.short {
        let found = text.contains("-s '\(flag.dropFirst())'")
        #expect(found, "fish: \(subcommand) \(flag) missing")
      }
    } else {
      let body = try Self.function("_bondperf_\(subcommand)", in: script)
      let words = Set(
        body.split(whereSeparator: { " \t\n'\"(){},[]=*".contains($0) }).map(String.init))
      for flag in flags.long.union(flags.short) {
        let found = words.contains(flag)
        #expect(found, "\(shell): \(subcommand) \(flag) missing")
      }
    }
  }
}
