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
    do {
      let arguments = try IperfSpelling.rewrite(Array(CommandLine.arguments.dropFirst()))
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
