// The npm graphql-ws client (what frontend teams use) against the server's subscriptions.
//   node live.mjs <ws://host:port/graphql> <access token> <ServiceRequest id>
// Prints one JSON line: the close code of a socket with a bad token, and the requestUpdated
// event that follows cancelling the request (a mutation sent over the same socket).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token, requestId] = process.argv.slice(2);

function rejectedCode() {
  return new Promise((resolve) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: "Bearer not-a-token" },
      retryAttempts: 0,
      on: { closed: (event) => resolve(event.code) },
    });
    client.subscribe({ query: "subscription { notificationReceived { id } }" }, {
      next() {}, error() {}, complete() {},
    });
  });
}

async function updateAfterCancel() {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: async () => ({ Authorization: `Bearer ${token}` }),
    keepAlive: 10_000,
  });
  const updates = client.iterate({
    query: `subscription Updated($id: ID) {
      requestUpdated(requestId: $id) { referenceNumber status } }`,
    variables: { id: requestId },
  });
  const first = updates.next();
  await new Promise((resolve) => client.on("connected", resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cancelled = await new Promise((resolve, reject) => {
    let result;
    client.subscribe({
      query: `mutation Cancel($id: ID!) {
        cancelRequest(input: {requestId: $id}) { errors { code } } }`,
      variables: { id: requestId },
    }, { next: (value) => { result = value; }, error: reject, complete: () => resolve(result) });
  });
  const event = await Promise.race([
    first,
    new Promise((_, reject) => setTimeout(() => reject(new Error("no event in 5 s")), 5000)),
  ]);
  await updates.return();
  await client.dispose();
  return { cancelled: cancelled.data, event: event.value };
}

try {
  const rejected = await rejectedCode();
  const { cancelled, event } = await updateAfterCancel();
  console.log(JSON.stringify({ rejected, cancelled, event }));
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
