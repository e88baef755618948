/// A one-line error for the user.
struct ValidationErrorText: Error, CustomStringConvertible {
  var description: String
  init(_ text: String) { description = text }
}
