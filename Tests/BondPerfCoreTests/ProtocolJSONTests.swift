import Foundation
import Testing

@testable import BondPerfCore

struct ProtocolJSONTests {
  @Test func parsesScalarsAndContainersInOrder() throws {
    let value = try JSONValue.parse(
      text: #" {"b":[1,-2.5,true,false,null],"a":"x\"y\\u\u00e9\ud83d\ude00"} "#)
    #expect(value.objectValue?.map(\.0) == ["b", "a"])
    #expect(value["b"] == [1, -2.5, true, false, nil])
    #expect(value["a"]?.stringValue == "x\"y\\u\u{e9}\u{1F600}")
  }

  @Test func keepsDuplicateKeysAndLooksUpLastIgnoringCase() throws {
    let value = try JSONValue.parse(text: #"{"MSS":1,"k":2,"mss":3}"#)
    #expect(value.objectValue?.count == 3)
    #expect(value["MSS"]?.intValue == 1)
    #expect(value.value(forKeyIgnoringCase: "Mss")?.intValue == 3)
    #expect(value.value(forKeyIgnoringCase: "none") == nil)
  }

  @Test(arguments: [
    ("0", JSONValue.int(0)), ("-0", .int(0)), ("9223372036854775807", .int(.max)),
    ("-9223372036854775808", .int(.min)), ("18446744073709551615", .int(-1)),
    ("18446744073709551616", .double(18_446_744_073_709_551_616)),
    ("18446744073709551614", .double(18_446_744_073_709_551_616)),
    ("4.1e-05", .double(4.1e-05)), ("1E3", .double(1000)), ("2.5e+2", .double(250)),
    ("1.000836", .double(1.000836)),
  ])
  func parsesNumbers(text: String, expected: JSONValue) throws {
    #expect(try JSONValue.parse(text: text) == expected)
  }

  @Test(arguments: [
    ("", 0), ("{", 1), ("[1,]", 3), ("{\"a\":1,}", 7), ("{\"a\" 1}", 5), ("01", 0), ("1.", 2),
    ("-", 1), ("1e", 2), ("tru", 0), ("nul", 0), ("\"abc", 0), ("\"a\u{01}\"", 2),
    ("\"\\x\"", 1), ("\"\\u12G4\"", 5), ("[1] 2", 4), ("NaN", 0), ("1e999", 0), ("{1:2}", 1),
    ("'a'", 0),
  ])
  func rejectsMalformedTextWithOffset(text: String, offset: Int) {
    #expect(throws: JSONError.self) { try JSONValue.parse(text: text) }
    do {
      _ = try JSONValue.parse(text: text)
    } catch {
      #expect(error.offset == offset, "\(error)")
      #expect(error.description.hasPrefix("invalid JSON at byte \(offset): "))
    }
  }

  @Test func limitsNestingDepth() throws {
    let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
    #expect(try JSONValue.parse(text: ok).arrayValue != nil)
    let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
    #expect(throws: JSONError.self) { try JSONValue.parse(text: tooDeep) }
    let hostile = String(repeating: "{\"a\":", count: 100_000)
    #expect(throws: JSONError.self) { try JSONValue.parse(text: hostile) }
  }

  @Test func randomBytesNeverCrash() throws {
    var generator = SplitMix64(seed: 0x5eed)
    let alphabet = Array(#"{}[]",:-+.eE0123456789tfnrulsa\ "#.utf8) + [0, 0x80, 0xff, 0x0a]
    for round in 0..<3000 {
      let length = Int(generator.next() % 48)
      let bytes: [UInt8] = (0..<length).map { _ in
        round % 2 == 0
          ? UInt8(truncatingIfNeeded: generator.next())
          : alphabet[Int(generator.next() % UInt64(alphabet.count))]
      }
      if let value = try? JSONValue.parse(bytes) {
        // Anything accepted prints as text that parses and prints the same.
        // (`1.0` prints as `1`, so values may turn from double to int once.)
        let text = value.compactText
        #expect(try JSONValue.parse(text: text).compactText == text)
      }
    }
  }

  @Test func mutatedCapturedDocumentsNeverCrash() throws {
    let original = try ProtocolFixtures.file("client-P2.json")
    var generator = SplitMix64(seed: 7)
    for _ in 0..<300 {
      var bytes = original
      for _ in 0..<3 {
        let index = Int(generator.next() % UInt64(bytes.count))
        bytes[index] = UInt8(truncatingIfNeeded: generator.next())
      }
      bytes.removeLast(Int(generator.next() % 20))
      _ = try? JSONValue.parse(bytes)
    }
  }

  @Test(arguments: ProtocolFixtures.capturedJSONFiles)
  func prettyPrinterReproducesCapturedFile(name: String) throws {
    let bytes = try ProtocolFixtures.file(name)
    let value = try JSONValue.parse(bytes)
    let text = value.iperf3PrettyText + "\n"
    #expect(Array(text.utf8) == bytes)
  }

  @Test(arguments: [
    "v3.21-client-reverse.json-stream.txt", "v3.21-client-json-stream-get-server-output.txt",
  ])
  func jsonStreamLinesRoundTrip(name: String) throws {
    let text = String(decoding: try ProtocolFixtures.file(name), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count >= 2)
    var rebuilt = ""
    for line in lines {
      rebuilt += try JSONValue.parse(Array(line.utf8)).jsonLineText
    }
    #expect(rebuilt == text)
  }

  @Test func compactTextHasNoSpaces() {
    let value: JSONValue = ["a": [1, 2.5, "x y"], "b": [:], "c": []]
    #expect(value.compactText == #"{"a":[1,2.5,"x y"],"b":{},"c":[]}"#)
  }

  @Test func prettyTextMatchesCJSONForEmptyContainers() {
    let value: JSONValue = ["start": ["connected": []], "end": [:]]
    #expect(
      value.iperf3PrettyText
        == "{\n\t\"start\":\t{\n\t\t\"connected\":\t[]\n\t},\n\t\"end\":\t{\n\t}\n}")
  }

  @Test func escapesStringsLikeCJSON() {
    let value = JSONValue.string("q\"b\\/\u{08}\u{0C}\n\r\t\u{01}\u{1F}é")
    #expect(value.compactText == "\"q\\\"b\\\\/\\b\\f\\n\\r\\t\\u0001\\u001fé\"")
  }

  @Test(arguments: [
    (0.0, "0"), (-0.0, "0"), (2.0, "2"), (1795757150963.0, "1795757150963"), (4.1e-05, "4.1e-05"),
    (1.000836, "1.000836"), (14461182971.740078, "14461182971.740078"),
    (43.522719539030419, "43.522719539030419"), (0.1, "0.1"), (1e300, "1e+300"), (0.1 + 0.2, "0.3"),
    (1e20, "1e+20"), (-2.5, "-2.5"), (Double.nan, "null"), (Double.infinity, "null"),
  ])
  func formatsDoublesLikeCJSON(number: Double, text: String) {
    #expect(JSONValue.formatNumber(number) == text)
  }

  @Test func accessorsConvertNumbers() {
    #expect(JSONValue.double(3.9).intValue == 3)
    #expect(JSONValue.double(1e30).intValue == nil)
    #expect(JSONValue.int(7).doubleValue == 7)
    #expect(JSONValue.string("7").intValue == nil)
    #expect(JSONValue.array([1])[0] == 1)
    #expect(JSONValue.array([1])[1] == nil)
    #expect(JSONValue.int(1) != JSONValue.double(1))
  }
}
