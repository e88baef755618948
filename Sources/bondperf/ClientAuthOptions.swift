import ArgumentParser
import BondPerfCore
import Foundation

/// iperf3's client authentication flags: the credentials go to the server
/// encrypted with its RSA public key; the password comes from `IPERF3_PASSWORD`
/// or the terminal.
struct ClientAuthOptions: ParsableArguments {
  @Option(
    name: .customLong("username"),
    help: ArgumentHelp(
      "Username for authentication (password: $IPERF3_PASSWORD, else asked for).",
      valueName: "username"))
  var username: String?

  @Option(
    name: .customLong("rsa-public-key-path"),
    help: ArgumentHelp(
      "Path to the server's RSA public key (PEM) that encrypts the credentials.",
      valueName: "path"))
  var rsaPublicKeyPath: String?

  @Flag(
    name: .customLong("use-pkcs1-padding"),
    help: "Encrypt the credentials with PKCS#1 v1.5 padding, for servers before iperf3 3.17.")
  var usePKCS1Padding = false

  func validate() throws {
    if (username == nil) != (rsaPublicKeyPath == nil) {
      throw ValidationError(
        "--username and --rsa-public-key-path go together: authentication needs a username, "
          + "a password and the server's RSA public key.")
    }
  }

  /// The credentials, or nil without `--username`: loads the key, then reads the
  /// password (iperf3's order). Bad input is a usage error naming what is wrong.
  func authentication(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> ClientAuthentication? {
    guard let username, let rsaPublicKeyPath else { return nil }
    let key: RSAPublicKey
    do {
      key = try RSAPublicKey(path: rsaPublicKeyPath)
    } catch {
      throw ValidationError("--rsa-public-key-path: \(error).")
    }
    let password: String
    do {
      password = try PasswordPrompt.read(environment: environment)
    } catch {
      throw ValidationError("--username \(username): \(error).")
    }
    do {
      return try ClientAuthentication(
        username: username, password: password, publicKey: key,
        padding: usePKCS1Padding ? .pkcs1 : .oaep)
    } catch {
      throw ValidationError("--username \(username): \(error).")
    }
  }
}
