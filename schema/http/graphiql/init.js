// Loaded as a file (not inline) so the page works under a CSP with script-src 'self'.
(function () {
  'use strict';

  // The API answers in Arabic unless asked otherwise; pre-fill the header a
  // user is most likely to want to flip, guessing from the browser's language.
  var lang = (navigator.language || '').toLowerCase().indexOf('en') === 0 ? 'en' : 'ar';
  var defaultHeaders = JSON.stringify({ 'Accept-Language': lang }, null, 2);

  var fetcher = GraphiQL.createFetcher({
    url: '/graphql',
    // The API has no @defer/@stream or subscriptions over HTTP: plain JSON POSTs.
    enableIncrementalDelivery: false,
  });

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: defaultHeaders,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
    }),
  );
})();
