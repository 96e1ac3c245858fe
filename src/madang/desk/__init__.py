"""The 민원 desk: organisations, departments and staff; cases with legal deadlines, history and answers."""
