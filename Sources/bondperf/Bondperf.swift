import ArgumentParser
import BondPerfCore

@main
struct Bondperf: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bondperf",
    abstract: "Throughput tester for bonded Linux links, speaking iperf3's protocol.",
    discussion: """
      iperf3's spelling works too: 'bondperf -s [options]' is 'bondperf server [options]', \
      and 'bondperf -c HOST [options]' is 'bondperf client HOST [options]'. With a bond \
      known (read from the kernel, or described with --bond-policy and --slaves), stream i \
      is pinned to slave i mod n and the per-slave truth is shown.
      """,
    version: BondPerfVersion.string,
    subcommands: [
      Client.self, Server.self, Compare.self, Hash.self, Plan.self, Inspect.self, Exporter.self,
    ])

  static func main() async {
    Signals.ignoreBrokenPipe()
    let given = Array(CommandLine.arguments.dropFirst())
    // iperf3's -v/--version, anywhere: "iperf 3.21 (bondperf X)"; tools read the second word.
    if given.contains("-v") || given.contains("--version") {
      StandardStreams.writeOutput(BondPerfVersion.text)
      return
    }
    do {
      let arguments = try IperfSpelling.rewrite(IperfSpelling.expandOptionalValues(given))
      var command = try parseAsRoot(arguments)
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }
}

/// Turns iperf3's `-s` / `-c HOST` into the `server` / `client HOST` subcommands.
enum IperfSpelling {
  static let subcommands: Set<String> = [
    "client", "server", "compare", "hash", "plan", "inspect", "exporter", "help",
  ]

  /// iperf3's flags whose value is optional or packed (`-d`, `--debug[=N]`,
  /// `--timestamps[=FMT]`, `--cntl-ka[=...]`, `-B ADDR%DEV`, `-c HOST%DEV`), in the
  /// spelling the parser takes.
  static func expandOptionalValues(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      switch argument {
      case "-d", "--debug": result += ["--debug", "4"]
      case "--timestamps": result += ["--timestamps", "%c "]
      case "--cntl-ka": result += ["--cntl-ka", "//"]
      case "-B", "--bind", "-c", "--client":
        if index + 1 < arguments.count, let split = splitDevice(arguments[index + 1]) {
          result += [argument, split.host, "--bind-dev", split.device]
          index += 1
        } else {
          result.append(argument)
        }
      default:
        if argument.hasPrefix("--debug=") {
          result += ["--debug", String(argument.dropFirst("--debug=".count))]
        } else {
          result.append(argument)
        }
      }
      index += 1
    }
    return result
  }

  /// `HOST%DEV` split in two; nil without a `%`.
  static func splitDevice(_ text: String) -> (host: String, device: String)? {
    guard let percent = text.lastIndex(of: "%") else { return nil }
    let host = String(text[..<percent])
    let device = String(text[text.index(after: percent)...])
    guard !host.isEmpty, !device.isEmpty else { return nil }
    return (host, device)
  }

  static func rewrite(_ arguments: [String]) throws -> [String] {
    guard let first = arguments.first, !subcommands.contains(first) else { return arguments }
    var rest: [String] = []
    var server = false
    var host: String?
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "-s" || argument == "--server" {
        server = true
      } else if argument == "-c" || argument == "--client" {
        guard index + 1 < arguments.count else {
          throw ValidationError("-c needs the server's host name or address.")
        }
        host = arguments[index + 1]
        index += 1
      } else if argument.hasPrefix("--client=") {
        host = String(argument.dropFirst("--client=".count))
      } else {
        rest.append(argument)
      }
      index += 1
    }
    if server && host != nil { throw ValidationError("-s and -c cannot be used together.") }
    if server { return ["server"] + rest }
    if let host { return ["client", host] + rest }
    return arguments
  }
}
