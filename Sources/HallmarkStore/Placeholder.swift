// HallmarkStore
