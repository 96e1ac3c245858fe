"""RSS and Atom feeds, oEmbed and the embeddable timeline for the city homepage."""
