/* live.js: new posts and notifications over server-sent events, with a pause control. */
