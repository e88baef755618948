import Testing

@testable import BondPerfCore

/// The token's plaintext, its place in the parameters, and the clock check.
struct AuthTokenTests {
  @Test func plaintextIsIperf3sFormat() {
    let credentials = AuthCredentials(
      username: "mario", password: "rossi", timestamp: 1_700_000_000)
    #expect(
      String(decoding: credentials.plaintext, as: UTF8.self)
        == "user: mario\npwd:  rossi\nts:   1700000000")
    #expect(AuthCredentials(plaintext: credentials.plaintext) == credentials)
  }

  @Test func plaintextIsReadAsSscanfReadsIt() {
    func parse(_ text: String) -> AuthCredentials? { AuthCredentials(plaintext: Array(text.utf8)) }
    // Whitespace in the format matches any run of whitespace, or none.
    #expect(
      parse("user:mario pwd:rossi ts:-5")
        == AuthCredentials(username: "mario", password: "rossi", timestamp: -5))
    #expect(parse("user: mario\n\tpwd: rossi\r\nts: +42 trailing") != nil)
    // A NUL ends the text, as the C string does.
    #expect(parse("user: mario\npwd:  rossi\nts:   7\0junk")?.timestamp == 7)
    #expect(parse("user: mario\npwd:  ro\0ssi\nts:   7") == nil)
    // Anything missing, misspelled or out of range is no token.
    #expect(parse(" user: mario\npwd:  rossi\nts:   7") == nil)
    #expect(parse("user: mario\npwd:  rossi\nts:   ") == nil)
    #expect(parse("user: mario\npasswd:  rossi\nts:   7") == nil)
    #expect(parse("user: \npwd:  rossi\nts:   7") == nil)
    #expect(parse("user: mario\npwd:  rossi\nts:   99999999999999999999") == nil)
    #expect(parse("") == nil)
  }

  @Test func usernamesWithWhitespaceWouldBeCutSoTheyAreRefused() {
    // What an iperf3 server reads from "mario bros" is "mario": the client refuses it.
    let cut = AuthCredentials(username: "mario bros", password: "rossi", timestamp: 1)
    #expect(AuthCredentials(plaintext: cut.plaintext) == nil)
  }

  @Test func theAuthTokenTravelsInTheParameters() throws {
    var parameters = TestParameters()
    #expect(parameters.authToken == nil)
    parameters.authToken = "QUJD"
    parameters.authToken = "REVG"
    let text = String(decoding: parameters.encoded(), as: UTF8.self)
    #expect(text.contains(#""authtoken":"REVG","client_version""#), "\(text)")
    #expect(!text.contains("QUJD"))
    let decoded = try TestParameters(json: try JSONValue.parse(parameters.encoded()))
    #expect(decoded.authToken == "REVG")
    parameters.authToken = nil
    #expect(!String(decoding: parameters.encoded(), as: UTF8.self).contains("authtoken"))
  }

  @Test func aTokenOfTheWrongTypeIsNoToken() throws {
    let json = try JSONValue.parse(Array(#"{"tcp":true,"authtoken":5}"#.utf8))
    #expect(try TestParameters(json: json).authToken == nil)
  }

  @Test func skewThresholdIsInclusiveBothWays() throws {
    let threshold = try #require(TimeSkewThreshold(seconds: 10))
    #expect(threshold == .iperf3Default)
    #expect(threshold.accepts(timestamp: 1000, now: 1000))
    #expect(threshold.accepts(timestamp: 990, now: 1000))
    #expect(threshold.accepts(timestamp: 1010, now: 1000))
    #expect(!threshold.accepts(timestamp: 989, now: 1000))
    #expect(!threshold.accepts(timestamp: 1011, now: 1000))
    #expect(!threshold.accepts(timestamp: .min, now: 1000))
    #expect(!threshold.accepts(timestamp: .max, now: -1000))
  }

  @Test(arguments: [0, -1, -10])
  func skewThresholdMustBePositive(seconds: Int) {
    #expect(TimeSkewThreshold(seconds: seconds) == nil)
  }

  @Test func clockSkewRefusalSaysWhichWay() throws {
    let threshold = try #require(TimeSkewThreshold(seconds: 10))
    let behind = AuthRefusal.clockSkew(username: "mario", seconds: 60, threshold: threshold)
    let ahead = AuthRefusal.clockSkew(username: "mario", seconds: -60, threshold: threshold)
    #expect("\(behind)".contains("60 s behind"))
    #expect("\(ahead)".contains("is 60 s ahead of"))
    #expect("\(behind)".contains("--time-skew-threshold 10"))
  }

  @Test func aLoneServerErrorCodeIsReadOnlyWhenAsked() {
    // iperf3 3.12 refusing credentials: SERVER_ERROR, IEAUTHTEST, then close.
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [0, 0, 0, 142])
    #expect(buffer.nextServerError() == nil)
    #expect(buffer.nextLoneServerErrorCode() == 142)
    #expect(buffer.nextLoneServerErrorCode() == nil)
    buffer.append(contentsOf: [0, 0])
    #expect(buffer.nextLoneServerErrorCode() == nil)
  }
}
