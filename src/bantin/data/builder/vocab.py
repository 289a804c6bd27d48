"""Word lists the generated site styles draw their chrome from (sections, places, people, site names, widget words).

Nothing here is copied from a real page: these are the common words of Vietnamese news sites, combined at random
(per site style and per page) so that no fixed string marks a block. Article-like text (teasers, "most read" titles,
comment sentences) comes from the corpora instead, through the page's teaser pool.
"""

from __future__ import annotations

# section -> subsections; a site style keeps a random subset of both (plus composed ones: regions, leagues...)
SECTION_TREE: dict[str, list[str]] = {
    "Thời sự": ["Chính trị", "Dân sinh", "Giao thông", "Quốc phòng", "Môi trường", "Đô thị", "Chống tham nhũng", "Mekong"],
    "Thế giới": ["Tư liệu", "Phân tích", "Người Việt 5 châu", "Quân sự", "Cuộc sống đó đây", "Hồ sơ", "Bình luận quốc tế"],
    "Kinh doanh": ["Doanh nghiệp", "Tài chính", "Ngân hàng", "Chứng khoán", "Vĩ mô", "Hàng hóa", "Ebank", "Khởi nghiệp"],
    "Bất động sản": ["Thị trường", "Dự án", "Nhà đẹp", "Không gian sống", "Tư vấn luật", "Nội thất", "Quy hoạch"],
    "Giải trí": ["Sao Việt", "Sao quốc tế", "Âm nhạc", "Phim ảnh", "Truyền hình", "Thời trang", "Hậu trường", "Sân khấu"],
    "Thể thao": ["Bóng đá", "Tennis", "Các môn khác", "Hậu trường", "Lịch thi đấu", "Bảng xếp hạng", "Video bàn thắng", "Marathon"],
    "Pháp luật": ["Hồ sơ phá án", "Tư vấn pháp luật", "Ký sự pháp đình", "An ninh trật tự", "Vụ án", "Luật sư của bạn"],
    "Giáo dục": ["Tuyển sinh", "Du học", "Tin tức", "Góc phụ huynh", "Học tiếng Anh", "Thi cử", "Điểm thi", "Khoa học"],
    "Sức khỏe": ["Tin tức", "Dinh dưỡng", "Khỏe đẹp", "Đàn ông", "Các bệnh", "Vaccine", "Y học cổ truyền", "Tư vấn"],
    "Đời sống": ["Nhịp sống", "Tổ ấm", "Bài học sống", "Nhà", "Tiêu dùng", "Mẹo vặt", "Cộng đồng", "Gia đình"],
    "Du lịch": ["Điểm đến", "Ẩm thực", "Dấu chân", "Tư vấn", "Ảnh", "Cẩm nang", "Việt Nam", "Quốc tế"],
    "Khoa học": ["Môi trường", "Công nghệ mới", "Hỏi - đáp", "Thế giới tự nhiên", "Vũ trụ", "Phát minh"],
    "Số hóa": ["Công nghệ", "Sản phẩm", "Blockchain", "Đánh giá", "Đời sống số", "Thủ thuật", "Game", "Điện thoại"],
    "Xe": ["Thị trường", "Diễn đàn", "Cầm lái", "Đánh giá xe", "Xe điện", "Bảng giá xe", "Tư vấn", "Mô tô"],
    "Văn hóa": ["Văn học", "Di sản", "Nghệ thuật", "Tác giả - Tác phẩm", "Lễ hội", "Mỹ thuật", "Sách hay"],
    "Xã hội": ["Phóng sự", "Đời thường", "Người tốt việc tốt", "Lao động", "Việc làm", "Nhân ái", "Dân tộc"],
    "Nhịp sống trẻ": ["Xu hướng", "Khám phá", "Yêu", "Việc làm", "Nhân vật", "Học đường", "Cộng đồng mạng"],
    "Công nghệ": ["Thiết bị", "Internet", "Bảo mật", "Ứng dụng", "Viễn thông", "Trí tuệ nhân tạo", "Mobile", "Laptop"],
    "Bạn đọc": ["Thư bạn đọc", "Chia sẻ", "Hỏi đáp", "Góc ảnh", "Đường dây nóng", "Tâm sự", "Tiếng nói bạn đọc"],
    "Gia đình": ["Làm mẹ", "Nuôi dạy con", "Chuyện vợ chồng", "Mẹ và bé", "Nội trợ", "Góc chị em"],
    "Phụ nữ": ["Làm đẹp", "Thời trang", "Tình yêu", "Hôn nhân", "Tâm sự", "Ẩm thực", "Nhà đẹp"],
    "Video": ["Thời sự", "Giải trí", "Thể thao", "Phóng sự", "Clip hot", "Podcast", "Talkshow"],
    "Ảnh": ["Phóng sự ảnh", "Ảnh đẹp", "Infographics", "Emagazine", "Longform", "Ảnh độc"],
    "Ý kiến": ["Góc nhìn", "Bình luận", "Diễn đàn", "Tranh biếm", "Thư tòa soạn", "Chuyện thường ngày"],
    "Quân sự": ["Vũ khí", "Quốc phòng Việt Nam", "Hồ sơ", "Bình luận quân sự", "Biển Đông"],
    "Tài chính": ["Ngân hàng", "Thuế", "Bảo hiểm", "Giá vàng", "Tỷ giá", "Tiền tệ", "Đầu tư"],
    "Nông nghiệp": ["Nông thôn mới", "Nhà nông", "Thị trường nông sản", "Khuyến nông", "Chăn nuôi", "Thủy sản"],
    "Lao động": ["Công đoàn", "Việc làm", "Chính sách", "Người lao động", "An sinh", "Bảo hiểm xã hội"],
    "Tâm sự": ["Chuyện tình", "Hôn nhân", "Gia đình", "Tâm sự tuổi hồng", "Chia sẻ"],
    "Chuyện lạ": ["Kỳ quặc", "Bí ẩn", "Thế giới động vật", "Kỷ lục", "Chuyện lạ Việt Nam"],
    "Rao vặt": ["Mua bán", "Việc làm", "Nhà đất", "Ô tô", "Dịch vụ"],
    "Tuyển sinh": ["Đại học", "Cao đẳng", "Lớp 10", "Điểm chuẩn", "Tỷ lệ chọi", "Đề thi - Đáp án"],
    "Media": ["Podcast", "Emagazine", "Infographic", "Video", "Ảnh", "Longform"],
}
EXTRA_TOP = ["Trang chủ", "Mới nhất", "Tin nóng", "Tin mới", "24h qua", "Tiêu điểm", "Sự kiện", "Chuyên đề", "Tin tức", "Thời tiết",
             "Tin ảnh", "Góc nhìn", "Cười", "Tiện ích", "Podcasts", "Emagazine", "Tin tổng hợp", "Địa phương"]
PROVINCES = ["Hà Nội", "TP HCM", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nghệ An", "Thanh Hóa", "Quảng Ninh", "Huế", "Khánh Hòa",
             "Lâm Đồng", "Bình Dương", "Đồng Nai", "Lào Cai", "Quảng Nam", "Bắc Ninh", "Kiên Giang", "An Giang", "Gia Lai", "Đắk Lắk",
             "Nam Định", "Thái Bình", "Phú Yên", "Bình Định", "Cà Mau", "Sơn La", "Hà Giang", "Vĩnh Phúc", "Long An", "Tây Ninh"]
LEAGUES = ["Ngoại hạng Anh", "La Liga", "Serie A", "Bundesliga", "Ligue 1", "Champions League", "V-League", "Cúp C2", "AFF Cup", "SEA Games",
           "World Cup", "Euro", "Asian Cup", "Đội tuyển Việt Nam"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ", "Võ Văn Tần", "Giảng Võ",
           "Nguyễn Du", "Hàng Bài", "Tôn Đức Thắng", "Cách Mạng Tháng Tám", "Phạm Văn Đồng", "Láng Hạ", "Trần Phú", "Nguyễn Trãi",
           "Quang Trung", "Lê Duẩn", "Pasteur", "Nam Kỳ Khởi Nghĩa", "Hoàng Quốc Việt", "Kim Mã", "Xuân Thủy", "Duy Tân", "Lạc Long Quân"]
DISTRICTS = ["Quận 1", "Quận 3", "Quận 5", "Quận 10", "Bình Thạnh", "Phú Nhuận", "Tân Bình", "Ba Đình", "Hoàn Kiếm", "Đống Đa",
             "Cầu Giấy", "Hai Bà Trưng", "Thanh Xuân", "Tây Hồ", "Hải Châu", "Ninh Kiều", "Ngô Quyền", "Long Biên", "Gò Vấp", "Quận 7"]
WARDS = ["Phường Bến Nghé", "Phường 6", "Phường Láng Hạ", "Phường Dịch Vọng", "Phường Tràng Tiền", "Phường 11", "Phường Kim Mã",
         "Phường Võ Thị Sáu", "Phường Nghĩa Đô", "Phường Bến Thành", "Phường 12", "Phường Quan Hoa"]
CITIES = ["Hà Nội", "TP Hồ Chí Minh", "TP.HCM", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "TP Huế", "Nha Trang", "Vinh", "Biên Hòa"]

SITE_PREFIX = ["Báo", "Báo điện tử", "Tạp chí", "Trang tin", "Tin tức", "Cổng thông tin", "Báo", "", "", ""]
SITE_WORDS = ["Tin Nhanh", "Thời Đại", "Sài Gòn", "Thủ Đô", "Đời Sống", "Pháp Luật", "Gia Đình", "Phụ Nữ", "Thanh Niên", "Tiền Phong",
              "Kinh Tế", "Văn Hóa", "Công Lý", "Đất Việt", "Dân Sinh", "Bạn Đọc", "Ngày Nay", "Người Việt", "Miền Tây", "Phương Nam",
              "Hà Thành", "Sông Hồng", "Biển Đông", "Nhà Nông", "Đầu Tư", "Doanh Nhân", "Xây Dựng", "Giao Thông", "Sức Khỏe",
              "Thể Thao", "Ngôi Sao", "Teen", "Xinh", "Mẹ Và Bé", "Số", "Plus", "Online", "24h", "Express", "Today", "News", "Việt"]
TLDS = [".vn", ".com.vn", ".net", ".net.vn", ".com", ".org.vn"]
ORGS = ["Bộ Thông tin và Truyền thông", "Hội Nhà báo Việt Nam", "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam",
        "Trung ương Đoàn TNCS Hồ Chí Minh", "Hội Liên hiệp Phụ nữ Việt Nam", "Tổng Liên đoàn Lao động Việt Nam", "Bộ Y tế",
        "Bộ Giáo dục và Đào tạo", "UBND Thành phố", "Hội Luật gia Việt Nam", "Bộ Công Thương", "Công ty Cổ phần Truyền thông",
        "Liên đoàn Lao động Thành phố", "Bộ Văn hóa, Thể thao và Du lịch", "Hội Nông dân Việt Nam", "Tập đoàn Truyền thông"]
EDITOR_TITLES = ["Tổng biên tập", "Tổng Biên tập", "Phó Tổng biên tập", "Chịu trách nhiệm nội dung", "Chịu trách nhiệm xuất bản",
                 "Giám đốc", "Thư ký tòa soạn", "TBT"]

RELATED_HEADS = ["Tin liên quan", "Bài liên quan", "Tin cùng chuyên mục", "Tin khác", "Các tin khác", "Có thể bạn quan tâm", "Đọc thêm",
                 "Xem thêm", "Tin mới", "Tin mới nhất", "Tin nổi bật", "Tiêu điểm", "Đừng bỏ lỡ", "Nên đọc", "Cùng chủ đề",
                 "Các bài đã đăng", "Tin đã đưa", "Bài viết khác", "Tin tức khác", "Có thể bạn chưa đọc", "Tin hot", "Tin nóng",
                 "Tin cùng sự kiện", "Cùng chuyên mục", "Bài viết cùng chủ đề", "Tin bài khác", "Tin xem thêm", "Tin đọc thêm",
                 "Tin tức liên quan", "Các bài viết liên quan", "Chủ đề nóng", "Sự kiện nổi bật", "Tin trong ngày", "Tin mới cập nhật"]
MOST_READ_HEADS = ["Đọc nhiều", "Đọc nhiều nhất", "Xem nhiều", "Xem nhiều nhất", "Tin đọc nhiều", "Được quan tâm", "Quan tâm nhất",
                   "Top tin", "Tin xem nhiều", "Bài đọc nhiều", "Tin được quan tâm", "Nhiều người đọc", "Top 10", "Tin hot trong ngày",
                   "Đọc nhiều trong tuần", "Bình luận nhiều"]
COMMENT_HEADS = ["Bình luận", "Ý kiến bạn đọc", "Ý kiến", "Bình luận của bạn", "Bạn đọc bình luận", "Ý kiến của bạn",
                 "Thảo luận", "Phản hồi", "Bình luận Facebook", "Bạn nghĩ gì?"]
VIDEO_HEADS = ["Video", "Video nổi bật", "Video hot", "Clip hay", "Video mới", "Xem video", "Tin video", "Video clip"]
PHOTO_HEADS = ["Ảnh", "Tin ảnh", "Phóng sự ảnh", "Ảnh đẹp", "Thư viện ảnh", "Album ảnh", "Góc ảnh", "Ảnh độc"]
PR_HEADS = ["Thông tin doanh nghiệp", "Tin doanh nghiệp", "Tài trợ", "Thông tin cần biết", "Sản phẩm - Dịch vụ", "PR",
            "Nội dung được tài trợ", "Doanh nghiệp - Sản phẩm"]
AD_LABELS = ["Quảng cáo", "QUẢNG CÁO", "Advertisement", "ADVERTISEMENT", "Tài trợ", "Sponsored", "Nội dung được tài trợ",
             "Liên hệ quảng cáo", "Ads by", "Quảng cáo bởi", "Video đang được xử lý", "Tắt quảng cáo"]
SHARE_WORDS = ["Chia sẻ", "Facebook", "Zalo", "Twitter", "Google+", "Email", "In bài", "In", "Gửi bài", "Lưu", "Thích", "Tweet",
               "Bản in", "Sao chép link", "Copy link", "Gửi cho bạn bè", "Lưu bài viết", "Chia sẻ qua Zalo", "Pinterest", "LinkedIn"]
SHARE_LINES = ["Thích và chia sẻ bài này trên:", "Chia sẻ bài viết:", "Chia sẻ:", "Chia sẻ bài viết này", "Share:",
               "Chia sẻ bài viết lên:", "Gửi bài viết cho bạn bè"]
LOGIN_WORDS = ["Đăng nhập", "Đăng ký", "Đăng xuất", "Quên mật khẩu?", "Đăng nhập bằng Facebook", "Đăng nhập bằng Google",
               "Tài khoản của tôi", "Đăng nhập bằng", "Đăng ký tài khoản", "Đăng nhập với Zalo", "Tài khoản"]
NEWSLETTER = ["Đăng ký nhận bản tin", "Nhận tin mới nhất qua email", "Nhập email của bạn", "Đăng ký nhận tin",
              "Đăng ký để nhận tin tức mới nhất mỗi ngày", "Bản tin", "Email của bạn", "Nhận bản tin hằng ngày",
              "Theo dõi chúng tôi trên Google News", "Tải ứng dụng", "Tải ứng dụng ngay", "Theo dõi trên Zalo"]
COMMENT_FORM = ["Gửi bình luận", "Gửi", "Họ tên", "Họ và tên", "Email", "Nội dung", "Nội dung bình luận", "Mã xác nhận",
                "Viết bình luận của bạn...", "Bạn vui lòng nhập tiếng Việt có dấu", "Ý kiến của bạn sẽ được biên tập trước khi đăng",
                "0/1000", "20 /1000", "Tối thiểu 10 chữ", "Xem thêm bình luận", "Mới nhất", "Quan tâm nhất", "Sắp xếp theo",
                "Bình luận (0)", "Đăng bình luận", "Bình luận của bạn", "Thông tin bạn đọc"]
#: the opening of a reader's comment (first person, or addressing the author or another reader)
COMMENT_OPENERS = ["Theo tôi,", "Tôi nghĩ", "Mình thấy", "Gửi tác giả!", "Bạn ơi,", "Thật sự mà nói,", "Ý kiến cá nhân:",
                   "Tôi hoàn toàn đồng ý.", "Tôi không đồng ý với bài viết.", "Là người trong cuộc, tôi thấy", "Nói thật,",
                   "Mong các cơ quan chức năng vào cuộc.", "Đọc bài mà thấy buồn.", "Chuyện này không mới,"]
#: a site's moderation notice next to its comment form ({site}: the site's name)
COMMENT_NOTICES = [
    "{site} hoan nghênh ý kiến của bạn đọc. Các ý kiến sẽ được xem xét trước và có thể được biên tập khi đăng tải.",
    "Ý kiến của bạn sẽ được biên tập trước khi đăng. Xin vui lòng gõ tiếng Việt có dấu.",
    "{site} giữ quyền từ chối những lời lẽ xúc phạm cá nhân, tổ chức hoặc không phù hợp với thuần phong mỹ tục.",
    "Bình luận của bạn sẽ được duyệt trước khi hiển thị. Vui lòng không đăng nội dung vi phạm pháp luật.",
    "Bạn đọc gửi ý kiến xin ghi rõ họ tên, địa chỉ, email. {site} không chịu trách nhiệm về nội dung bình luận.",
    "Các bình luận không dấu, dùng từ ngữ thiếu văn hóa sẽ bị xóa mà không cần báo trước.",
]
COMMENT_MORE = ["Hiển thị thêm nội dung", "Xem thêm bình luận", "Xem thêm ý kiến", "Tải thêm bình luận", "Xem tất cả bình luận",
                "Xem thêm", "Gửi ý kiến", "GỬI PHẢN HỒI", "Viết bình luận"]
COMMENT_ACTIONS = ["Trả lời", "Thích", "Báo vi phạm", "Chia sẻ", "Gửi trả lời", "Xem thêm trả lời", "Phản hồi"]
COMMENT_REACTIONS = ["Bài viết hay quá", "Cảm ơn tác giả", "Đồng ý với bạn", "Quá đáng thật", "Thật đáng buồn", "Rất bổ ích",
                     "Mong cơ quan chức năng vào cuộc", "Ủng hộ", "Thương quá", "Sao lại thế được", "Không thể tin nổi",
                     "Tôi nghĩ khác", "Cần xử lý nghiêm", "Hay và ý nghĩa", "Chúc mừng", "Buồn cho", "Đọc mà thấy xót xa",
                     "Nên học hỏi", "Quá hay", "Vậy mà cũng nói được", "Tuyệt vời", "Chia buồn cùng gia đình"]
NICK_WORDS = ["tuan", "hoang", "minh", "lan", "huong", "nam", "thanh", "bachkhoa", "saigon", "hanoi", "nguoi", "ban", "doc", "vn",
              "cuong", "ha", "linh", "kute", "pro", "boy", "girl", "viet", "trung", "dung"]
WEATHER = ["Nhiều mây", "Có mưa rào", "Nắng nóng", "Trời quang", "Mưa nhỏ", "Có mây, không mưa", "Âm u", "Mưa dông", "Nắng nhẹ"]
GOLD = ["SJC", "SJC 1L", "PNJ", "DOJI", "Nhẫn 9999", "Vàng 24K", "Vàng 18K", "Bảo Tín Minh Châu"]
CURRENCIES = ["USD", "EUR", "JPY", "GBP", "CNY", "AUD", "SGD", "KRW", "THB"]
STOCKS = ["VN-Index", "HNX-Index", "UPCoM", "VN30", "HNX30"]
MOBILE_LINKS = ["Xem bản Desktop", "Phiên bản Web", "Giao diện Web", "Lên đầu trang", "Về đầu trang", "Mở rộng", "Quay lại", "Tìm kiếm",
                "Menu", "Trang chủ", "Chuyên mục", "Khác", "App", "Tải app", "Về trang chủ", "Phiên bản di động", "Xem thêm"]
TOP_LINKS = ["Liên hệ", "Giới thiệu", "Liên hệ quảng cáo", "RSS", "Đặt báo", "Tuyển dụng", "Đường dây nóng", "Thông tin tòa soạn",
             "Điều khoản sử dụng", "Chính sách bảo mật", "Sơ đồ trang", "Góp ý", "Đặt làm trang chủ", "English", "Về đầu trang",
             "Hỏi đáp", "Quy định", "Hợp tác", "Báo in", "Podcast", "Trợ giúp"]
PAGER = [["Trang trước", "1", "2", "3", "Trang sau"], ["«", "1", "2", "3", "4", "5", "»"], ["Xem tiếp"], ["Tải thêm"],
         ["Xem thêm"], ["Trang đầu", "1", "2", "Trang cuối"], ["<", "1", "2", "3", ">"], ["Xem thêm tin"]]
SEARCH = ["Tìm kiếm", "Tìm kiếm...", "Nhập từ khóa", "Nhập từ khóa tìm kiếm", "Search", "Tìm", "Tìm kiếm tin tức"]
DATE_WORDS = ["Hôm nay", "Hôm qua", "Chọn ngày", "Xem theo ngày", "Tin theo ngày", "Ngày"]
CAPTION_STOCK = ["Ảnh minh họa", "Ảnh: Internet", "Ảnh chụp màn hình", "Ảnh: Tư liệu", "Quang cảnh buổi lễ", "Ảnh: NVCC"]
TIME_AGO = ["{n} phút trước", "{n} giờ trước", "{n} ngày trước", "cách đây {n} giờ", "{n} tuần trước"]
