/// The streams of a test split by physical direction, as iperf3 sums them:
/// `sum` for client-to-server (or every stream in `-R`), `sum_bidir_reverse`
/// for server-to-client in `--bidir`.
struct StreamGroups {
  var primary: Set<Int>
  var bidirReverse: Set<Int>

  init(ids: [(id: Int, localSends: Bool)], role: Role, mode: TestMode) {
    switch mode {
    case .normal, .reverse:
      primary = Set(ids.map(\.id))
      bidirReverse = []
    case .bidirectional:
      // The client-to-server streams are the ones the client sends on.
      let clientSends = ids.filter { $0.localSends == (role == .client) }.map(\.id)
      primary = Set(clientSends)
      bidirReverse = Set(ids.map(\.id)).subtracting(primary)
    }
  }
}
