/// Left-aligned columns separated by two spaces; the first row is the header.
public enum TextTable {
  public static func render(
    _ rows: [[String]], rightAlignFrom firstRight: Int = Int.max, separator: String = "  "
  ) -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = Array(repeating: 0, count: columns)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    var out = ""
    for row in rows {
      var line = ""
      for (index, cell) in row.enumerated() {
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        let isLast = index == row.count - 1
        if index >= firstRight {
          line += pad + cell
        } else {
          line += cell + (isLast ? "" : pad)
        }
        if !isLast { line += separator }
      }
      out += line + "\n"
    }
    return out
  }
}
