import BondPerfCore
import Foundation
import Testing

/// RSA keys and a users file made for one test (never committed): `openssl
/// genrsa` and `openssl rsa -pubout`, and mario/rossi in iperf3's users format.
final class AuthFixture: @unchecked Sendable {
  let directory: URL
  var privateKey: String { directory.appendingPathComponent("private.pem").path }
  var publicKey: String { directory.appendingPathComponent("public.pem").path }
  var users: String { directory.appendingPathComponent("users.csv").path }

  init() async throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bondperf-auth-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
    guard FileManager.default.isExecutableFile(atPath: openssl.path) else {
      throw E2EError("openssl is missing (apt-get install openssl) to make the test keys")
    }
    for arguments in [
      ["genrsa", "-out", privateKey, "2048"],
      ["rsa", "-in", privateKey, "-pubout", "-out", publicKey],
    ] {
      let child = try ChildProcess(openssl, arguments)
      let status = try await child.exitStatus(within: .seconds(30))
      guard status == 0 else { throw E2EError("openssl failed\n\(child.transcript)") }
    }
    let contents =
      "# bondperf test users\n" + AuthorizedUsers.line(username: "mario", password: "rossi")
      + "\n"
    try contents.write(toFile: users, atomically: true, encoding: .utf8)
  }

  var serverFlags: [String] {
    ["--rsa-private-key-path", privateKey, "--authorized-users-path", users]
  }

  func clientFlags(user: String = "mario") -> [String] {
    ["--username", user, "--rsa-public-key-path", publicKey]
  }

  deinit { try? FileManager.default.removeItem(at: directory) }
}

/// How the authentication tests start programs: through `env`, which sets the
/// password (and for a skewed clock, libfaketime) and then execs the program,
/// so the child's pid is the program's.
enum AuthRun {
  static let env = URL(fileURLWithPath: "/usr/bin/env")

  /// `env` arguments that run the program with its wall clock `offset` away
  /// (libfaketime, e.g. "-60s"); monotonic clocks stay true.
  static func skewed(_ offset: String) throws -> [String] {
    let candidates =
      (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib"))?
      .map { "/usr/lib/\($0)/faketime/libfaketime.so.1" } ?? []
    guard let library = candidates.first(where: { FileManager.default.fileExists(atPath: $0) })
    else {
      throw E2EError(
        "libfaketime is missing (apt-get install faketime; scripts/setup installs it) "
          + "for the skewed-clock tests")
    }
    return ["LD_PRELOAD=\(library)", "FAKETIME=\(offset)", "FAKETIME_DONT_FAKE_MONOTONIC=1"]
  }

  /// Runs a client to its end: its exit status and what it printed.
  static func client(
    _ program: URL, _ arguments: [String], password: String? = "rossi",
    environment: [String] = []
  ) async throws -> (status: Int32, text: String) {
    let variables = environment + (password.map { ["IPERF3_PASSWORD=\($0)"] } ?? [])
    let child = try ChildProcess(env, variables + [program.path] + arguments)
    let status = try await child.exitStatus(within: .seconds(30))
    return (status, child.text())
  }

  /// A bondperf server on a port the kernel picks.
  static func bondperfServer(_ arguments: [String]) async throws -> (ChildProcess, UInt16) {
    let server = try ChildProcess(try E2EBinaries.bondperf(), ["-s", "-p", "0"] + arguments)
    do {
      return (server, try await server.listeningPort())
    } catch {
      server.kill()
      throw error
    }
  }

  /// An iperf3 server on a probed port, its clock skewed by `environment`.
  static func iperf3Server(_ arguments: [String], environment: [String] = []) async throws
    -> (ChildProcess, UInt16)
  {
    let port = try E2EPorts.probe()
    let server = try ChildProcess(
      env, environment + [try E2EBinaries.iperf3().path, "-s", "-p", "\(port)"] + arguments)
    let settled = try await e2ePoll(within: .seconds(10)) {
      E2EPorts.isListening(port, by: server.pid) || !server.isRunning
    }
    guard settled, server.isRunning else {
      server.kill()
      throw E2EError("iperf3 never listened on \(port)\n\(server.transcript)")
    }
    return (server, port)
  }
}

extension EndToEnd {
  /// iperf3's RSA authentication against iperf3 3.12 both ways (it encrypts with
  /// PKCS#1 v1.5, hence `--use-pkcs1-padding` opposite it) and bondperf against
  /// itself (OAEP, iperf3 3.17+'s default); refusals print iperf3's error and the
  /// server goes on serving.
  @Suite(.serialized)
  struct AuthenticationTests {
    static let refused = "test authorization failed"

    @Test(.timeLimit(.minutes(2)))
    func iperf3ClientAgainstBondperfServer() async throws {
      let keys = try await AuthFixture()
      let (server, port) = try await AuthRun.bondperfServer(
        keys.serverFlags + ["--use-pkcs1-padding"])
      defer { server.kill() }
      let iperf3 = try E2EBinaries.iperf3()
      let base = ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1"]

      let good = try await AuthRun.client(iperf3, base + keys.clientFlags())
      #expect(good.status == 0, "\(good.text)\n\(server.transcript)")
      #expect(good.text.contains("receiver"), "\(good.text)")

      let refusals: [(String, [String], String?, [String], String)] = [
        ("wrong password", keys.clientFlags(), "verdi", [], "wrong password for user mario"),
        (
          "unknown user", keys.clientFlags(user: "luigi"), "rossi", [],
          "user luigi is not in the authorized users file"
        ),
        (
          "clock 60 s behind", keys.clientFlags(), "rossi", try AuthRun.skewed("-60s"),
          "clock is 60 s behind"
        ),
        ("no credentials", [], nil, [], "the client sent no credentials"),
      ]
      for (what, flags, password, environment, reason) in refusals {
        let mark = server.mark
        let run = try await AuthRun.client(
          iperf3, base + flags, password: password, environment: environment)
        #expect(run.status == 1, "\(what): \(run.text)")
        #expect(run.text.contains("iperf3: error - \(Self.refused)"), "\(what): \(run.text)")
        try await server.waitForOutput(reason, since: mark)
      }
      // Still serving.
      let again = try await AuthRun.client(iperf3, base + keys.clientFlags())
      #expect(again.status == 0, "\(again.text)\n\(server.transcript)")
      #expect(server.isRunning)
    }

    @Test(.timeLimit(.minutes(2)))
    func bondperfClientAgainstIperf3Server() async throws {
      let keys = try await AuthFixture()
      let (server, port) = try await AuthRun.iperf3Server(keys.serverFlags)
      defer { server.kill() }
      let bondperf = try E2EBinaries.bondperf()
      let base = ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1", "--use-pkcs1-padding"]

      let good = try await AuthRun.client(bondperf, base + keys.clientFlags())
      #expect(good.status == 0, "\(good.text)\n\(server.transcript)")
      #expect(good.text.contains("receiver"), "\(good.text)")

      let refusals: [(String, [String], String)] = [
        ("wrong password", keys.clientFlags(), "verdi"),
        ("unknown user", keys.clientFlags(user: "luigi"), "rossi"),
        // 3.12 decrypts PKCS#1 v1.5 only: OAEP credentials don't decrypt.
        ("OAEP padding", keys.clientFlags(), "rossi"),
      ]
      for (what, flags, password) in refusals {
        let arguments =
          what == "OAEP padding" ? base.filter { $0 != "--use-pkcs1-padding" } : base
        let run = try await AuthRun.client(bondperf, arguments + flags, password: password)
        #expect(run.status == 1, "\(what): \(run.text)")
        #expect(run.text.contains("bondperf: error - \(Self.refused)"), "\(what): \(run.text)")
      }
      let again = try await AuthRun.client(bondperf, base + keys.clientFlags())
      #expect(again.status == 0, "\(again.text)\n\(server.transcript)")
    }

    @Test(.timeLimit(.minutes(1)))
    func bondperfClientAgainstASkewedIperf3Server() async throws {
      let keys = try await AuthFixture()
      let (server, port) = try await AuthRun.iperf3Server(
        keys.serverFlags, environment: try AuthRun.skewed("+60s"))
      defer { server.kill() }
      let run = try await AuthRun.client(
        try E2EBinaries.bondperf(),
        ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1", "--use-pkcs1-padding"]
          + keys.clientFlags())
      #expect(run.status == 1, "\(run.text)")
      #expect(run.text.contains("bondperf: error - \(Self.refused)"), "\(run.text)")
    }

    @Test(.timeLimit(.minutes(2)), arguments: [false, true])
    func bondperfAgainstItself(pkcs1: Bool) async throws {
      let keys = try await AuthFixture()
      let padding = pkcs1 ? ["--use-pkcs1-padding"] : []
      let (server, port) = try await AuthRun.bondperfServer(
        keys.serverFlags + padding + ["--time-skew-threshold", "5"])
      defer { server.kill() }
      let bondperf = try E2EBinaries.bondperf()
      let base = ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1", "-J"]

      let good = try await AuthRun.client(bondperf, base + padding + keys.clientFlags())
      #expect(good.status == 0, "\(good.text)\n\(server.transcript)")
      #expect(good.text.contains("\"sum_received\""), "\(good.text)")
      #expect(!good.text.contains("authtoken"), "the token stays out of the output")

      // The other padding does not decrypt; the server says which to try.
      let otherPadding = pkcs1 ? [] : ["--use-pkcs1-padding"]
      let mark = server.mark
      let mismatch = try await AuthRun.client(bondperf, base + otherPadding + keys.clientFlags())
      #expect(mismatch.status == 1, "\(mismatch.text)")
      #expect(mismatch.text.contains(Self.refused), "\(mismatch.text)")
      try await server.waitForOutput(
        pkcs1 ? "drop --use-pkcs1-padding" : "(--use-pkcs1-padding)", since: mark)

      let wrong = try await AuthRun.client(
        bondperf, base + padding + keys.clientFlags(), password: "verdi")
      #expect(wrong.status == 1, "\(wrong.text)")
      #expect(wrong.text.contains(Self.refused), "\(wrong.text)")
      #expect(server.isRunning)
    }

    @Test(.timeLimit(.minutes(1)))
    func aOneOffServerOutlivesRefusedCredentials() async throws {
      let keys = try await AuthFixture()
      let (server, port) = try await AuthRun.bondperfServer(keys.serverFlags + ["-1"])
      defer { server.kill() }
      let bondperf = try E2EBinaries.bondperf()
      let base = ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1"] + keys.clientFlags()
      let wrong = try await AuthRun.client(bondperf, base, password: "verdi")
      #expect(wrong.status == 1, "\(wrong.text)")
      #expect(server.isRunning, "a refused login does not count for -1 (iperf3)")
      let good = try await AuthRun.client(bondperf, base)
      #expect(good.status == 0, "\(good.text)\n\(server.transcript)")
      #expect(try await server.exitStatus(within: .seconds(10)) == 0)
    }

    @Test(arguments: [
      (
        ["-c", "127.0.0.1", "--username", "mario"],
        "--username and --rsa-public-key-path go together"
      ),
      (
        ["-s", "--rsa-private-key-path", "KEY"],
        "--rsa-private-key-path and --authorized-users-path go together"
      ),
      (["-s", "--time-skew-threshold", "0"], "--time-skew-threshold must be a positive number"),
      (
        ["-c", "127.0.0.1", "--authorized-users-path", "USERS"],
        "--authorized-users-path is a server option"
      ),
      (["-s", "--username", "mario"], "--username is a client option"),
      (
        ["-c", "127.0.0.1", "--username", "mario", "--rsa-public-key-path", "/nonexistent.pem"],
        "--rsa-public-key-path: cannot read /nonexistent.pem"
      ),
      (
        ["-c", "127.0.0.1", "--username", "mario", "--rsa-public-key-path", "KEY"],
        "holds no PEM RSA public key"
      ),
      (
        ["-s", "--rsa-private-key-path", "PUB", "--authorized-users-path", "USERS"],
        "holds no PEM RSA private key"
      ),
      (
        ["-s", "--rsa-private-key-path", "KEY", "--authorized-users-path", "/nonexistent.csv"],
        "--authorized-users-path: cannot read /nonexistent.csv"
      ),
      (
        ["-c", "127.0.0.1", "--username", "mario bros", "--rsa-public-key-path", "PUB"],
        "contains whitespace"
      ),
    ])
    func badSetupsAreUsageErrors(arguments: [String], fragment: String) async throws {
      let keys = try await AuthFixture()
      let resolved = arguments.map { argument in
        switch argument {
        case "KEY": keys.privateKey
        case "PUB": keys.publicKey
        case "USERS": keys.users
        default: argument
        }
      }
      let run = try await AuthRun.client(try E2EBinaries.bondperf(), resolved)
      #expect(run.status == 64, "\(resolved): \(run.text)")
      #expect(run.text.contains(fragment), "\(resolved): \(run.text)")
    }

    /// On a terminal (util-linux `script` gives the client a pty) the client asks for
    /// the password once it has turned echo off, and the typed password is not shown.
    @Test(.timeLimit(.minutes(1)))
    func thePasswordIsAskedForOnTheTerminalWithoutEcho() async throws {
      let keys = try await AuthFixture()
      let (server, port) = try await AuthRun.bondperfServer(keys.serverFlags)
      defer { server.kill() }
      let typescript = keys.directory.appendingPathComponent("typescript").path
      let command =
        ([try E2EBinaries.bondperf().path, "-c", "127.0.0.1", "-p", "\(port)", "-t", "1"]
        + keys.clientFlags()).joined(separator: " ")
      // Types the password only after the prompt: input typed before echo goes off is
      // flushed (TCSAFLUSH), as in iperf3.
      let feeder = """
        i=0; while ! grep -q 'Password:' "$1" 2>/dev/null && [ $i -lt 100 ]; do
          sleep 0.1; i=$((i+1)); done
        printf 'rossi\\n'; sleep 3
        """
      let script = "{ \(feeder); } | script -qfec \"$2\" \"$1\""
      let child = try ChildProcess(
        AuthRun.env,
        ["-u", "IPERF3_PASSWORD", "/bin/sh", "-c", script, "sh", typescript, command])
      let status = try await child.exitStatus(within: .seconds(40))
      let seen = (try? String(contentsOfFile: typescript, encoding: .utf8)) ?? ""
      #expect(status == 0, "\(seen)\n\(child.transcript)\n\(server.transcript)")
      #expect(seen.contains("Password: "), "\(seen)")
      #expect(seen.contains("iperf Done."), "\(seen)")
      #expect(!seen.contains("rossi"), "the password was echoed: \(seen)")
    }

    @Test func withoutAPasswordOrATerminalTheClientSaysWhatToSet() async throws {
      let keys = try await AuthFixture()
      // Standard input is /dev/null: no terminal to ask on.
      let run = try await AuthRun.client(
        try E2EBinaries.bondperf(), ["-c", "127.0.0.1"] + keys.clientFlags(), password: nil,
        environment: ["-u", "IPERF3_PASSWORD"])
      #expect(run.status == 64, "\(run.text)")
      #expect(run.text.contains("no password: set IPERF3_PASSWORD"), "\(run.text)")
    }
  }
}
