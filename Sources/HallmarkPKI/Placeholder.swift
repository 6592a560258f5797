// HallmarkPKI
