"""Web Push: subscriptions, the instance VAPID key, and delivering notifications to phones."""
