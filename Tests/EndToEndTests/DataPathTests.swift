import Testing

extension EndToEnd {
  /// `-Z` (sendfile from a memory file) and `--receive-copy` (iperf3's copying
  /// receiver) against the default data path, over loopback.
  @Suite(.serialized)
  struct DataPathTests {
    @Test(.timeLimit(.minutes(1)), arguments: [1, 4])
    func zerocopyStopsAtTheByteLimit(parallel: Int) async throws {
      let limit = 20.0 * 1_048_576
      let run = try await e2eRun(
        client: .bondperf, server: .bondperf,
        clientArguments: ["-Z", "-n", "20M", "-P", "\(parallel)"])
      let sent = try run.client.number("end.sum_sent.bytes")
      let received = try run.server.number("end.sum_received.bytes")
      if parallel == 1 {
        #expect(sent == limit)
      } else {
        // Each stream checks the limit once per block, so the others may finish theirs.
        #expect(sent >= limit && sent <= limit + e2eBlock * Double(parallel))
      }
      // TEST_END waits for delivery and the server reads its queues dry: every byte counts.
      #expect(received == sent)
      #expect(try run.client.number("start.test_start.zerocopy") == 1)
      #expect(try run.server.number("start.test_start.zerocopy") == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func receiveCopyStillCountsEveryByte() async throws {
      let run = try await e2eRun(
        client: .bondperf, server: .bondperf, clientArguments: ["-n", "30M", "--receive-copy"],
        serverArguments: ["--receive-copy"])
      #expect(try run.client.number("end.sum_sent.bytes") == 30 * 1_048_576)
      let received = try run.server.number("end.sum_received.bytes")
      #expect(received == 30 * 1_048_576)
    }

    /// `-w` must be in place on the server before the handshake, where Linux sizes the
    /// window: set after accept, `-w 8K` moved 0.2 MB in a second on loopback (iperf3:
    /// 165 MB). The server reopens its listener with the buffers, and the next test
    /// without `-w` gets the kernel's default again.
    @Test(.timeLimit(.minutes(1)), arguments: [E2EImplementation.bondperf, .iperf3])
    func smallWindowIsInPlaceBeforeTheHandshake(client: E2EImplementation) async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["-J"])  // JSON server output
      defer { server.kill() }
      for window in ["8K", nil] {
        let process = try e2eStartClient(
          port: port,
          ["-J", "-t", "1", "--get-server-output"] + (window.map { ["-w", $0] } ?? []),
          client)
        defer { process.kill() }
        #expect(try await process.exitStatus(within: .seconds(15)) == 0, "\(process.transcript)")
        let document = try E2EDocument(process.output, from: "\(client) client")
        let received = try document.number("end.sum_received.bytes")
        let serverBuffer = try document.number("server_output_json.start.rcvbuf_actual")
        if window != nil {
          #expect(serverBuffer == 16_384, "the server's receive buffer with -w 8K")
          #expect(received > 8e6, "-w 8K moved only \(received) B in 1 s")
        } else {
          #expect(serverBuffer != 16_384, "the next test kept -w 8K's buffers")
        }
        print(
          "E2E \(client) -w \(window ?? "default"): \(Int(received)) B in 1 s, server rcvbuf \(Int(serverBuffer))"
        )
      }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [E2EImplementation.bondperf, .iperf3])
    func zerocopyServerSendsInReverse(client: E2EImplementation) async throws {
      let run = try await e2eRun(
        client: client, server: .bondperf, clientArguments: ["-R", "-t", "1", "-P", "2"],
        serverArguments: ["-Z"])
      let serverSent = try run.server.number("end.sum_sent.bytes")
      #expect(serverSent > 0)
      #expect(try run.client.number("end.sum_received.bytes") > 0)
      #expect(try run.server.number("start.test_start.zerocopy") == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func zerocopyClientAgainstIperf3() async throws {
      let run = try await e2eRun(
        client: .bondperf, server: .iperf3, clientArguments: ["-Z", "-t", "1"])
      #expect(try run.client.number("end.sum_sent.bytes") > 0)
      #expect(try run.server.number("end.sum_received.bytes") > 0)
    }
  }
}
