import Testing

@testable import BondPerfCore

/// iperf3's authorized users file, read as its `check_authentication` reads it.
struct AuthUsersFileTests {
  /// iperf3's manual: S_USER=mario S_PASSWD=rossi, sha256 of "{mario}rossi".
  static let marioHash = "bf7a49a846d44b454a5d11e7acfaf13d138bbe0b7483aa3e050879700572709b"

  @Test func passwordHashIsSHA256OfTheBracedUserAndPassword() {
    #expect(AuthorizedUsers.passwordHash(username: "mario", password: "rossi") == Self.marioHash)
    #expect(AuthorizedUsers.line(username: "mario", password: "rossi") == "mario,\(Self.marioHash)")
    // FIPS 180-2's "abc" vector.
    #expect(
      SHA256Hex.digest("abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func acceptsTheRightPasswordOnly() {
    let users = AuthorizedUsers(contents: "# iperf3 users\nmario,\(Self.marioHash)\n")
    #expect(users.check(username: "mario", password: "rossi") == .accepted)
    #expect(users.check(username: "mario", password: "Rossi") == .wrongPassword)
    #expect(users.check(username: "luigi", password: "rossi") == .unknownUser)
    // The hash is salted with the name: luigi with mario's hash is not mario.
    let swapped = AuthorizedUsers(contents: "luigi,\(Self.marioHash)\n")
    #expect(swapped.check(username: "luigi", password: "rossi") == .wrongPassword)
  }

  @Test func skipsCommentsEmptyLinesAndLinesWithoutAComma() {
    let users = AuthorizedUsers(
      contents: """
        #mario,\(Self.marioHash)

        mario \(Self.marioHash)
        luigi,\(AuthorizedUsers.passwordHash(username: "luigi", password: "verdi"))
        """)
    #expect(users.entries.map { String(decoding: $0.username, as: UTF8.self) } == ["luigi"])
    #expect(users.check(username: "mario", password: "rossi") == .unknownUser)
    #expect(users.check(username: "luigi", password: "verdi") == .accepted)
  }

  @Test func linesEndAtTheirFirstCROrLF() {
    let users = AuthorizedUsers(contents: "mario,\(Self.marioHash)\r\n")
    #expect(users.check(username: "mario", password: "rossi") == .accepted)
    let split = AuthorizedUsers(contents: "mario,\(Self.marioHash)\rjunk\n")
    #expect(split.check(username: "mario", password: "rossi") == .accepted)
  }

  @Test func fieldsAreStrtokTokens() {
    // strtok skips empty fields and stops the hash at the next comma.
    let users = AuthorizedUsers(contents: ",mario,,\(Self.marioHash),comment\n")
    #expect(users.check(username: "mario", password: "rossi") == .accepted)
    // A trailing space belongs to the hash, which then matches nothing.
    let spaced = AuthorizedUsers(contents: "mario,\(Self.marioHash) \n")
    #expect(spaced.check(username: "mario", password: "rossi") == .wrongPassword)
    // A name with a comma but no hash matches nobody (iperf3 would crash on it).
    let bare = AuthorizedUsers(contents: "mario,\n")
    #expect(bare.entries.count == 1 && bare.entries[0].passwordHash == nil)
    #expect(bare.check(username: "mario", password: "rossi") == .wrongPassword)
  }

  @Test func theFirstMatchingLineOfAUserWins() {
    let other = AuthorizedUsers.passwordHash(username: "mario", password: "bros")
    let users = AuthorizedUsers(contents: "mario,\(other)\nmario,\(Self.marioHash)\n")
    #expect(users.check(username: "mario", password: "rossi") == .accepted)
    #expect(users.check(username: "mario", password: "bros") == .accepted)
  }

  @Test func namesCompareByteForByte() {
    // "é" precomposed and decomposed are equal Swift Strings but not equal bytes (strcmp).
    let composed = "ren\u{e9}"
    let decomposed = "rene\u{301}"
    let users = AuthorizedUsers(
      contents: AuthorizedUsers.line(username: composed, password: "pw") + "\n")
    #expect(users.check(username: composed, password: "pw") == .accepted)
    #expect(users.check(username: decomposed, password: "pw") == .unknownUser)
  }

  @Test func anUnreadableFileNamesItsPath() {
    #expect(throws: AuthError.self) {
      try AuthorizedUsers.load(path: "/nonexistent/bondperf-users.csv")
    }
    do {
      _ = try AuthorizedUsers.load(path: "/nonexistent/bondperf-users.csv")
    } catch {
      #expect("\(error)".hasPrefix("cannot read /nonexistent/bondperf-users.csv: "))
    }
  }
}
