// HallmarkNode
