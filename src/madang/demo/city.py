"""The demo city: 안양시 in July 2010, built from the cast of the seed article.

Anyang City Hall opens its account ``@anyanglove`` "to talk with the world";
the mayor ``@choidaeho777`` has not posted since the local-election campaign
(41 days ago) and his bio still reads "민주당 안양시장 후보 최대호"; about fifty
citizens follow the city, ask it questions, ask for photos of 이영표's visit and
congratulate the 부흥중학교 girls' football team.

Everything here is plain, deterministic data: no randomness, no I/O and no
imports from the rest of madang.  Times are given as ``ago`` (how long before
the demo's "today" something happened) so the loader can anchor them on the
day the demo is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

__all__ = [
    "CITY",
    "CITIZEN_PASSWORD",
    "DemoAccount",
    "DemoCity",
    "DemoFavourite",
    "DemoFollow",
    "DemoPost",
    "DemoReblog",
]


@dataclass(frozen=True)
class DemoAccount:
    username: str  # [a-z0-9_], 1-30
    display_name: str
    note: str  # plain text bio
    email: str  # @example.org / @anyang.example addresses only
    password: str
    organisation: bool = False
    verified: bool = False
    locked: bool = False
    bot: bool = False


@dataclass(frozen=True)
class DemoPost:
    key: str  # unique id within the demo, e.g. "city-welcome"
    author: str  # username
    text: str  # <= 140 characters counted as graphemes, URLs count 23
    ago: timedelta  # how long before the demo's "today" it was posted
    in_reply_to: str | None = None  # key of the post replied to
    visibility: str = "public"  # public | unlisted | private | direct
    spoiler_text: str = ""


@dataclass(frozen=True)
class DemoFollow:
    follower: str
    followee: str


@dataclass(frozen=True)
class DemoFavourite:
    account: str
    post: str  # post key


@dataclass(frozen=True)
class DemoReblog:
    account: str
    post: str  # post key
    ago: timedelta


@dataclass(frozen=True)
class DemoCity:
    accounts: tuple[DemoAccount, ...]
    follows: tuple[DemoFollow, ...]
    posts: tuple[DemoPost, ...]  # in chronological order (largest `ago` first)
    favourites: tuple[DemoFavourite, ...]
    reblogs: tuple[DemoReblog, ...]
    logins: tuple[str, ...]  # usernames whose login `madang demo` prints


def _ago(days: int = 0, hours: int = 0, minutes: int = 0) -> timedelta:
    return timedelta(days=days, hours=hours, minutes=minutes)


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------

CITY_USERNAME = "anyanglove"
MAYOR_USERNAME = "choidaeho777"
DEMO_CITIZEN = "kim_minsu"

CITY_PASSWORD = "anyanglove-demo"
MAYOR_PASSWORD = "choidaeho-demo"
CITIZEN_PASSWORD = "citizen-demo"  # shared by every citizen account

_CITY = DemoAccount(
    username=CITY_USERNAME,
    display_name="안양시청/안양사랑",
    note=(
        "안양시청 공식 계정입니다. 안양시의 모든 이야기를 함께 즐기고 나누는 "
        "사랑방이 되고 싶습니다. 문화·복지·교육·교통 소식과 강좌·행사, "
        "동네소식을 전해 드려요. 블로그 https://anyang-tv.tistory.com/"
    ),
    email="anyanglove@anyang.example",
    password=CITY_PASSWORD,
    organisation=True,
    verified=True,
)

_MAYOR = DemoAccount(
    username=MAYOR_USERNAME,
    display_name="최대호",
    note="민주당 안양시장 후보 최대호",
    email="choidaeho777@example.org",
    password=MAYOR_PASSWORD,
    verified=True,
)

# (username, display name, bio); flags are set below for the bot and the
# locked account.  Fixed list, so the demo is the same on every machine.
_CITIZEN_ROWS: tuple[tuple[str, str, str], ...] = (
    ("kim_minsu", "김민수", "안양 토박이. 평촌에서 일하고 주말엔 안양천에서 자전거 탑니다."),
    ("minji_park", "박민지", "범계역 근처 사는 직장인. 안양 맛집 탐방 중 #안양"),
    ("anyang_runner", "안양천 달리미", "안양천 따라 매일 아침 10km 달립니다."),
    ("jihoon_lee", "이지훈", "두 아이 아빠. 주말엔 가족과 공원 나들이."),
    ("hyejin_yoon", "윤혜진", "부흥중 여자축구부 학부모. 우리 딸 파이팅!"),
    ("seoyeon_choi", "최서연", ""),
    ("hyunwoo_jung", "정현우", "축구 좋아하는 대학생. 이영표 선수 팬입니다."),
    ("suri_photo", "수리산 사진관", "안양 구석구석을 카메라에 담습니다."),
    ("jungang_tteok", "중앙시장 떡집", "안양 중앙시장에서 3대째 떡 만드는 집입니다."),
    ("anyang_weather", "안양 날씨봇", "안양의 날씨를 매일 아침 알려 드려요. 자동으로 글을 올리는 계정입니다."),
    ("night_owl_93", "올빼미", "비공개 계정입니다. 아는 분만 받아요."),
    ("sujin_han", "한수진", "평촌 학원가 영어 강사"),
    ("dongwook_seo", "서동욱", ""),
    ("eunji_kwon", "권은지", "안양예술공원 산책을 좋아합니다."),
    ("junho_shin", "신준호", ""),
    ("bisan_mom", "비산동 엄마", "초등학생 둘 키우는 비산동 주민"),
    ("taeyang_oh", "오태양", ""),
    ("hogye_grandpa", "호계동 할아버지", "손주한테 트위터 배우는 중입니다."),
    ("yerin_jang", "장예린", "안양대 다니는 대학생"),
    ("sangmin_lim", "임상민", ""),
    ("gaeun_song", "송가은", ""),
    ("woojin_hwang", "황우진", "자전거로 출퇴근합니다."),
    ("mina_jeon", "전미나", ""),
    ("jaesung_ahn", "안재성", "안양1번가 옷가게 사장"),
    ("soyoung_yoo", "유소영", ""),
    ("minho_cho", "조민호", ""),
    ("harin_moon", "문하린", "책 읽는 사람. 안양시립도서관 단골"),
    ("kyungsoo_bae", "배경수", ""),
    ("jiwon_baek", "백지원", ""),
    ("seunghyun_ko", "고승현", ""),
    ("dahye_nam", "남다혜", ""),
    ("youngho_ryu", "류영호", "만안구 주민. 안양천 생태 지킴이"),
    ("nara_heo", "허나라", ""),
    ("sungjin_yang", "양성진", ""),
    ("bomi_koo", "구보미", ""),
    ("hyunjoo_noh", "노현주", "동네 도서관 자원봉사"),
    ("daehyun_min", "민대현", ""),
    ("sora_ha", "하소라", ""),
    ("jinwoo_cha", "차진우", ""),
    ("pyeongchon_papa", "평촌 아빠", "평촌 신도시에 산 지 16년"),
    ("yejin_joo", "주예진", ""),
    ("kwangsoo_woo", "우광수", ""),
    ("hana_ji", "지하나", ""),
    ("doyoon_kim", "김도윤", ""),
    ("seojin_park", "박서진", ""),
    ("minseok_lee", "이민석", ""),
    ("jiyoung_choi", "최지영", ""),
    ("byungchul_kang", "강병철", "택시 운전 20년. 안양 길은 제가 제일 잘 압니다."),
    ("eunbi_son", "손은비", ""),
    ("gwanyang_jiho", "관양동 지호", ""),
)

_BOTS = frozenset({"anyang_weather"})
_LOCKED = frozenset({"night_owl_93"})

_CITIZENS: tuple[DemoAccount, ...] = tuple(
    DemoAccount(
        username=username,
        display_name=display_name,
        note=note,
        email=f"{username}@example.org",
        password=CITIZEN_PASSWORD,
        locked=username in _LOCKED,
        bot=username in _BOTS,
    )
    for username, display_name, note in _CITIZEN_ROWS
)

_ACCOUNTS: tuple[DemoAccount, ...] = (_CITY, _MAYOR, *_CITIZENS)

# ---------------------------------------------------------------------------
# Follows
# ---------------------------------------------------------------------------

_CITIZEN_NAMES: tuple[str, ...] = tuple(a.username for a in _CITIZENS)

# The five citizens who do not (yet) follow the city.
_NOT_FOLLOWING_CITY = frozenset(
    {"anyang_weather", "kwangsoo_woo", "eunbi_son", "minseok_lee", "sora_ha"}
)

_FOLLOWING_MAYOR: tuple[str, ...] = (
    "kim_minsu",
    "minji_park",
    "jihoon_lee",
    "hyejin_yoon",
    "hyunwoo_jung",
    "jungang_tteok",
    "dongwook_seo",
    "hogye_grandpa",
    "jaesung_ahn",
    "kyungsoo_bae",
    "youngho_ryu",
    "pyeongchon_papa",
    "byungchul_kang",
)

# Friends and neighbours: who follows whom among the citizens, by hand.
_CITIZEN_FOLLOWS: tuple[tuple[str, str], ...] = (
    ("kim_minsu", "minji_park"),
    ("kim_minsu", "anyang_runner"),
    ("kim_minsu", "suri_photo"),
    ("kim_minsu", "hyunwoo_jung"),
    ("kim_minsu", "anyang_weather"),
    ("kim_minsu", "woojin_hwang"),
    ("minji_park", "kim_minsu"),
    ("minji_park", "night_owl_93"),
    ("minji_park", "seoyeon_choi"),
    ("minji_park", "suri_photo"),
    ("minji_park", "jaesung_ahn"),
    ("anyang_runner", "kim_minsu"),
    ("anyang_runner", "woojin_hwang"),
    ("anyang_runner", "youngho_ryu"),
    ("anyang_runner", "anyang_weather"),
    ("jihoon_lee", "bisan_mom"),
    ("jihoon_lee", "pyeongchon_papa"),
    ("jihoon_lee", "anyang_weather"),
    ("hyejin_yoon", "sujin_han"),
    ("hyejin_yoon", "pyeongchon_papa"),
    ("seoyeon_choi", "minji_park"),
    ("seoyeon_choi", "night_owl_93"),
    ("seoyeon_choi", "yerin_jang"),
    ("hyunwoo_jung", "kim_minsu"),
    ("hyunwoo_jung", "yerin_jang"),
    ("hyunwoo_jung", "seunghyun_ko"),
    ("suri_photo", "eunji_kwon"),
    ("suri_photo", "anyang_runner"),
    ("jungang_tteok", "jaesung_ahn"),
    ("night_owl_93", "minji_park"),
    ("night_owl_93", "seoyeon_choi"),
    ("sujin_han", "hyejin_yoon"),
    ("sujin_han", "harin_moon"),
    ("eunji_kwon", "suri_photo"),
    ("eunji_kwon", "harin_moon"),
    ("bisan_mom", "jihoon_lee"),
    ("bisan_mom", "hyunjoo_noh"),
    ("bisan_mom", "anyang_weather"),
    ("hogye_grandpa", "anyang_weather"),
    ("yerin_jang", "hyunwoo_jung"),
    ("yerin_jang", "seoyeon_choi"),
    ("yerin_jang", "night_owl_93"),
    ("woojin_hwang", "anyang_runner"),
    ("jaesung_ahn", "jungang_tteok"),
    ("jaesung_ahn", "minji_park"),
    ("harin_moon", "hyunjoo_noh"),
    ("harin_moon", "eunji_kwon"),
    ("youngho_ryu", "anyang_runner"),
    ("youngho_ryu", "suri_photo"),
    ("hyunjoo_noh", "harin_moon"),
    ("pyeongchon_papa", "jihoon_lee"),
    ("pyeongchon_papa", "hyejin_yoon"),
    ("byungchul_kang", "anyang_weather"),
    ("byungchul_kang", "jungang_tteok"),
    ("taeyang_oh", "hyunwoo_jung"),
    ("junho_shin", "taeyang_oh"),
    ("dongwook_seo", "kyungsoo_bae"),
    ("kyungsoo_bae", "dongwook_seo"),
    ("jiwon_baek", "dahye_nam"),
    ("dahye_nam", "jiwon_baek"),
    ("nara_heo", "eunji_kwon"),
    ("mina_jeon", "soyoung_yoo"),
    ("soyoung_yoo", "mina_jeon"),
    ("minho_cho", "sangmin_lim"),
    ("gaeun_song", "bomi_koo"),
    ("bomi_koo", "gaeun_song"),
    ("doyoon_kim", "seojin_park"),
    ("seojin_park", "doyoon_kim"),
    ("jiyoung_choi", "yejin_joo"),
    ("gwanyang_jiho", "kim_minsu"),
    ("sora_ha", "anyang_weather"),
    ("eunbi_son", "minji_park"),
)


def _build_follows() -> tuple[DemoFollow, ...]:
    pairs: list[tuple[str, str]] = []
    # The city and its mayor follow each other; the city follows back the
    # citizens it has talked with.
    pairs.append((MAYOR_USERNAME, CITY_USERNAME))
    pairs.append((CITY_USERNAME, MAYOR_USERNAME))
    for name in ("hyejin_yoon", "suri_photo", "jungang_tteok", "anyang_weather"):
        pairs.append((CITY_USERNAME, name))
    pairs.extend(
        (name, CITY_USERNAME) for name in _CITIZEN_NAMES if name not in _NOT_FOLLOWING_CITY
    )
    pairs.extend((name, MAYOR_USERNAME) for name in _FOLLOWING_MAYOR)
    pairs.extend(_CITIZEN_FOLLOWS)
    seen: set[tuple[str, str]] = set()
    follows: list[DemoFollow] = []
    for follower, followee in pairs:
        if follower == followee or (follower, followee) in seen:
            continue
        seen.add((follower, followee))
        follows.append(DemoFollow(follower=follower, followee=followee))
    return tuple(follows)


# ---------------------------------------------------------------------------
# Posts (written in time order; sorted again below for safety)
# ---------------------------------------------------------------------------

_BLOG = "https://anyang-tv.tistory.com/"

_POSTS: tuple[DemoPost, ...] = (
    # -- the mayor, during the local-election campaign --------------------
    DemoPost(
        key="mayor-hello",
        author=MAYOR_USERNAME,
        text=(
            "트위터를 시작했습니다. 안양 시민 여러분의 목소리를 더 가까이에서 "
            "듣고 싶습니다. 아직 서툴지만 많이 가르쳐 주십시오. #안양"
        ),
        ago=_ago(112, 3),
    ),
    DemoPost(
        key="mayor-market",
        author=MAYOR_USERNAME,
        text=(
            "오늘 아침 안양 중앙시장에서 상인 여러분을 만났습니다. 주차장이 "
            "부족하다는 말씀을 가장 많이 들었습니다. 꼭 기억하겠습니다."
        ),
        ago=_ago(80, 9),
    ),
    DemoPost(
        key="market-parking",
        author="jungang_tteok",
        text=(
            "@choidaeho777 시장 앞 주차 문제는 정말 오래된 숙제예요. 손님들이 "
            "차 댈 곳이 없어 발길을 돌립니다. 꼭 부탁드립니다!"
        ),
        ago=_ago(80, 6),
        in_reply_to="mayor-market",
    ),
    DemoPost(
        key="mayor-stream",
        author=MAYOR_USERNAME,
        text=(
            "비 그친 안양천을 걸었습니다. 아이들도 어르신들도 걷고 싶은 물길로 "
            "가꾸는 일, 시민 여러분과 함께 고민하겠습니다. #안양"
        ),
        ago=_ago(66, 20),
    ),
    DemoPost(
        key="mayor-debate",
        author=MAYOR_USERNAME,
        text=(
            "오늘 밤 안양시장 후보 토론회에 나갑니다. 보육과 교통, 안양의 내일에 "
            "대해 솔직하게 말씀드리겠습니다. 많이 지켜봐 주십시오."
        ),
        ago=_ago(52, 8),
    ),
    DemoPost(
        key="mayor-last",
        author=MAYOR_USERNAME,
        text=(
            "오늘도 범계역과 평촌역에서 출근길 시민 여러분께 인사드렸습니다. "
            "소통하는 시장이 되겠다는 약속, 꼭 지키겠습니다. #안양"
        ),
        ago=timedelta(days=41),
    ),
    # -- citizens, before the city opened its account ----------------------
    DemoPost(
        key="runner-stream",
        author="anyang_runner",
        text=(
            "#안양 안양천 아침 달리기 10km 완료! 비 온 뒤라 물소리가 시원하네요. "
            "학의천 만나는 곳에 백로가 나와 있었어요."
        ),
        ago=_ago(30, 2),
    ),
    DemoPost(
        key="tteok-summer",
        author="jungang_tteok",
        text="더울 땐 시원한 증편이 최고죠. 오늘 아침 새로 쪘어요. 중앙시장 오시면 들러 주세요~ #안양",
        ago=_ago(24, 5),
    ),
    # -- the city opens its account ------------------------------------------
    DemoPost(
        key="city-welcome",
        author=CITY_USERNAME,
        text=(
            "안녕하십니까? 안양시청입니다. 트위터로 이 세상과 소통하고 싶습니다. "
            "안양시의 모든 이야기를 함께 즐기고 나누는 사랑방이 되기를 기대합니다.^^ "
            "#안양 #anyang"
        ),
        ago=_ago(16, 1),
    ),
    DemoPost(
        key="welcome-congrats",
        author="minji_park",
        text="@anyanglove 시청 트위터 개설 축하드려요! 시청 소식 여기서 자주 들을게요~ #안양",
        ago=_ago(15, 23),
        in_reply_to="city-welcome",
    ),
    DemoPost(
        key="welcome-grandpa",
        author="hogye_grandpa",
        text="@anyanglove 손주가 가르쳐 줘서 처음으로 글을 써 봅니다. 시청에서 트위터를 한다니 반갑습니다.",
        ago=_ago(15, 21),
        in_reply_to="city-welcome",
    ),
    DemoPost(
        key="city-blog",
        author=CITY_USERNAME,
        text=(
            "안양시청 블로그도 함께 찾아 주세요. 트위터에 다 담지 못한 시정 소식과 "
            f"동네 이야기를 길게 전해 드립니다. {_BLOG} #안양"
        ),
        ago=_ago(15, 19),
    ),
    DemoPost(
        key="weather-1",
        author="anyang_weather",
        text=(
            "[안양 날씨] 오늘 장맛비, 예상 강수량 30~80mm. 안양천 둔치 주차장은 "
            "물에 잠길 수 있으니 차량을 옮겨 주세요. #안양날씨"
        ),
        ago=_ago(15, 5),
    ),
    DemoPost(
        key="city-promise",
        author=CITY_USERNAME,
        text=(
            "안양시에 일어나는 모든 일이나 시민들에게 유익한 정보를 많이 전달해 "
            "드리도록 최선을 다하겠습니다. 많은 관심 부탁드릴께요. #안양"
        ),
        ago=_ago(15, 2),
    ),
    DemoPost(
        key="city-culture",
        author=CITY_USERNAME,
        text=(
            "[문화] 이번 주 토요일 저녁 7시, 평촌 중앙공원 야외무대에서 "
            "'한여름 밤의 음악회'가 열립니다. 무료 공연이니 가족과 함께 오세요~ "
            "#안양 #anyang"
        ),
        ago=_ago(13, 4),
    ),
    DemoPost(
        key="parking-question",
        author="jihoon_lee",
        text=(
            "토요일 중앙공원 음악회에 아이 둘 데리고 가려는데 근처에 주차할 곳이 "
            "있을까요? 문의@anyanglove"
        ),
        ago=_ago(12, 22),
    ),
    DemoPost(
        key="city-parking-answer",
        author=CITY_USERNAME,
        text=(
            "@jihoon_lee 문의 감사합니다. 음악회 당일 중앙공원 공영주차장을 밤 "
            "11시까지 무료로 개방합니다. 자리가 부족할 수 있으니 가까우신 분들은 "
            "걸어서 오세요^^"
        ),
        ago=_ago(12, 20),
        in_reply_to="parking-question",
    ),
    DemoPost(
        key="jihoon-thanks",
        author="jihoon_lee",
        text="@anyanglove 빠른 답변 감사합니다! 토요일에 온 가족이 돗자리 들고 갈게요.",
        ago=_ago(12, 19),
        in_reply_to="city-parking-answer",
    ),
    DemoPost(
        key="city-welfare",
        author=CITY_USERNAME,
        text=(
            "[복지] 폭염에 대비해 동 주민센터와 경로당 등 무더위쉼터를 운영합니다. "
            "홀로 사시는 어르신 댁은 방문간호사가 직접 찾아뵙습니다. #안양"
        ),
        ago=_ago(12, 3),
    ),
    DemoPost(
        key="city-lecture",
        author=CITY_USERNAME,
        text=(
            "[강좌] 하반기 시민 평생학습 강좌 수강생을 모집합니다. 스마트폰 활용, "
            "생활영어, 요가 등 32개 강좌! 다음 주 월요일부터 시 홈페이지에서 "
            "접수합니다. #안양"
        ),
        ago=_ago(11, 5),
    ),
    DemoPost(
        key="lecture-question",
        author="bisan_mom",
        text=(
            "@anyanglove님 평생학습 강좌 신청은 인터넷으로만 받나요? 친정엄마가 "
            "컴퓨터를 못 하셔서요. 동 주민센터에서도 접수할 수 있는지 궁금합니다."
        ),
        ago=_ago(10, 23),
        in_reply_to="city-lecture",
    ),
    DemoPost(
        key="city-lecture-answer",
        author=CITY_USERNAME,
        text=(
            "@bisan_mom 네, 가까운 동 주민센터에서도 방문 접수하실 수 있어요. "
            "신분증만 챙겨 가시면 됩니다. 어머님께 즐거운 배움이 되길 바랍니다~"
        ),
        ago=_ago(10, 20),
        in_reply_to="lecture-question",
    ),
    DemoPost(
        key="concert-photo",
        author="suri_photo",
        text=(
            "어젯밤 중앙공원 음악회, 잔디밭이 꽉 찼어요. 이런 행사 자주 열어 "
            "주세요 @anyanglove #안양"
        ),
        ago=_ago(9, 22),
    ),
    DemoPost(
        key="city-transport",
        author=CITY_USERNAME,
        text=(
            "[교통] 안양역 앞 만안로 하수관 공사로 이번 주말 밤 10시부터 새벽 "
            "5시까지 일부 차로를 통제합니다. 우회도로를 이용해 주세요. #안양 #anyang"
        ),
        ago=_ago(9, 4),
    ),
    DemoPost(
        key="cw-drama",
        author="seoyeon_choi",
        text=(
            "오늘 회차 마지막 장면에서 온 가족이 같이 울었어요ㅠㅠ 탁구야 힘내… "
            "다음 주 수요일까지 어떻게 기다리죠"
        ),
        ago=_ago(8, 10),
        spoiler_text="제빵왕 김탁구 스포 주의",
    ),
    DemoPost(
        key="weather-2",
        author="anyang_weather",
        text=(
            "[안양 날씨] 오늘 맑음, 최고 33도 / 최저 24도. 폭염주의보가 내려졌어요. "
            "한낮 외출은 삼가고 물을 자주 드세요. #안양날씨"
        ),
        ago=_ago(8, 5),
    ),
    DemoPost(
        key="grandpa-unlisted",
        author="hogye_grandpa",
        text="손주 없이 혼자 스마트폰으로 올려 봅니다. 글씨가 작아서 돋보기를 써야겠어요. 허허",
        ago=_ago(7, 5),
        visibility="unlisted",
    ),
    # -- 이영표 comes to City Hall ------------------------------------------
    DemoPost(
        key="city-leeyoungpyo",
        author=CITY_USERNAME,
        text=(
            "야호~~ 안양출신의 월드컵의 히로인 이영표선수가 오늘 안양시청에 와요~~ "
            "잠시 후 사진과 함께 다시 올릴께요. #anyang"
        ),
        ago=_ago(6, 4),
    ),
    DemoPost(
        key="leeyoungpyo-selfie",
        author="minji_park",
        text="@anyanglove 인증샷 꼭 올려 주세요!! 점심시간에 시청 앞으로 달려갑니다 ㅎㅎ",
        ago=_ago(6, 3, 50),
        in_reply_to="city-leeyoungpyo",
    ),
    DemoPost(
        key="leeyoungpyo-mail",
        author="hyunwoo_jung",
        text=(
            "@anyanglove 수업 때문에 못 가요ㅠㅠ 사진 찍으시면 저한테 메일로도 "
            "보내 주실 수 있나요? 이영표 선수 완전 팬이에요!"
        ),
        ago=_ago(6, 3, 40),
        in_reply_to="city-leeyoungpyo",
    ),
    DemoPost(
        key="city-leeyoungpyo-photo",
        author=CITY_USERNAME,
        text=(
            "이영표 선수와 허정무 전 감독님이 안양시청을 찾아 주셨습니다. 약속대로 "
            "사진 올려요~ 시청 앞까지 와 주신 시민 여러분 감사합니다! #anyang #안양"
        ),
        ago=_ago(6, 1),
        in_reply_to="city-leeyoungpyo",
    ),
    DemoPost(
        key="leeyoungpyo-greeting",
        author=DEMO_CITIZEN,
        text="@anyanglove 이영표 선수가 최대호 안양시장님(@choidaeho777)과 인사하고 있네요",
        ago=_ago(6, 0, 30),
        in_reply_to="city-leeyoungpyo",
    ),
    DemoPost(
        key="buheung-congrats",
        author="hyejin_yoon",
        text=(
            "@anyanglove 이영표선수를 배출한 축구 명문 안양에서 다시 한번 축하할 "
            "일이 생겼어요. 평촌에 있는 부흥중학교 여자축구부가 전국여자축구대회에서 "
            "우승을 차지했어요~~ 축하해주세요 #안양"
        ),
        ago=_ago(5, 6),
    ),
    DemoPost(
        key="city-buheung",
        author=CITY_USERNAME,
        text=(
            "@hyejin_yoon 부흥중학교 여자축구부의 우승을 진심으로 축하합니다! "
            "제2의 이영표 선수가 여기서 나오겠네요. 선수들 모두 수고 많았어요~ "
            "#안양 #anyang"
        ),
        ago=_ago(5, 4),
        in_reply_to="buheung-congrats",
    ),
    DemoPost(
        key="city-education",
        author=CITY_USERNAME,
        text=(
            "[교육] 여름방학을 맞아 안양시립도서관에서 초등학생 독서교실을 엽니다. "
            "선착순 40명, 도서관 홈페이지에서 신청하세요. #안양"
        ),
        ago=_ago(5, 0, 10),
    ),
    DemoPost(
        key="owl-private",
        author="night_owl_93",
        text="야근 끝. 범계역 앞 포장마차 떡볶이로 오늘 하루 위로받는 중… 내일은 칼퇴할 수 있을까",
        ago=_ago(4, 14),
        visibility="private",
    ),
    DemoPost(
        key="city-neighbourhood",
        author=CITY_USERNAME,
        text=(
            "[동네소식] 호계동 덕천마을 골목길에 벽화가 완성됐습니다. 대학생 "
            "자원봉사자 30여 명이 2주 동안 그렸대요. 산책길에 들러 보세요^^ #안양"
        ),
        ago=_ago(4, 2),
    ),
    DemoPost(
        key="mural-visit",
        author="eunji_kwon",
        text="덕천마을 벽화 보고 왔어요. 골목마다 그림이 있어서 사진 찍느라 한참 걸렸네요 #안양 #벽화",
        ago=_ago(3, 22),
    ),
    DemoPost(
        key="city-followers",
        author=CITY_USERNAME,
        text=(
            "트위터를 연 지 13일 만에 팔로워가 50분이 되었어요! 앞으로도 안양의 "
            "모든 이야기를 나누는 사랑방이 될게요. 감사합니다~ #안양"
        ),
        ago=_ago(3, 1),
    ),
    DemoPost(
        key="streetlight-direct",
        author="youngho_ryu",
        text=(
            "@anyanglove 안녕하세요. 석수동 안양천 산책로 입구 가로등이 일주일째 "
            "꺼져 있어요. 밤에는 어두워서 위험합니다. 확인 부탁드려요."
        ),
        ago=_ago(2, 21),
        visibility="direct",
    ),
    DemoPost(
        key="city-streetlight-answer",
        author=CITY_USERNAME,
        text=(
            "@youngho_ryu 알려 주셔서 감사합니다. 담당 부서에 바로 전달했고 이번 "
            "주 안에 고치겠습니다. 불편을 드려 죄송합니다."
        ),
        ago=_ago(2, 18),
        in_reply_to="streetlight-direct",
        visibility="direct",
    ),
    DemoPost(
        key="rodeo-naengmyeon",
        author="minji_park",
        text="범계 로데오거리에 새로 생긴 냉면집 줄이 엄청 길어요. 더위엔 역시 물냉면! #안양 #범계",
        ago=_ago(2, 5),
    ),
    DemoPost(
        key="city-event",
        author=CITY_USERNAME,
        text=(
            "[행사] 이번 주 금요일부터 안양예술공원에서 '여름 물놀이 한마당'이 "
            "열려요. 계곡 물놀이장과 야외 영화 상영 모두 무료입니다. #안양 #anyang"
        ),
        ago=_ago(1, 20),
    ),
    DemoPost(
        key="mayor-stale",
        author="hyunwoo_jung",
        text=(
            "@choidaeho777 시장님, 요즘 트위터 안 하세요? 소개글도 아직 '민주당 "
            "안양시장 후보'로 되어 있네요ㅎㅎ 시청 계정(@anyanglove)처럼 자주 "
            "소식 주세요!"
        ),
        ago=_ago(1, 3),
    ),
    DemoPost(
        key="runner-morning",
        author="anyang_runner",
        text="#안양 새벽 5시 반인데 벌써 안양천에 달리는 사람이 가득. 다들 더위 피해 나오셨나 봐요",
        ago=_ago(0, 14),
    ),
    DemoPost(
        key="weather-3",
        author="anyang_weather",
        text=(
            "[안양 날씨] 오늘 구름 많음, 최고 30도 / 최저 23도. 오후에 소나기가 "
            "올 수 있으니 우산을 챙기세요. #안양날씨"
        ),
        ago=_ago(0, 6),
    ),
)

# ---------------------------------------------------------------------------
# Favourites and reblogs
# ---------------------------------------------------------------------------

# post key -> who favourited it
_FAVOURITED_BY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mayor-market", ("jungang_tteok",)),
    ("runner-stream", ("woojin_hwang", "kim_minsu")),
    (
        "city-welcome",
        (
            "minji_park",
            "kim_minsu",
            "hogye_grandpa",
            "jihoon_lee",
            "suri_photo",
            "eunji_kwon",
            "yerin_jang",
        ),
    ),
    ("city-blog", ("harin_moon", "kim_minsu", "youngho_ryu")),
    ("city-promise", ("hogye_grandpa", "bisan_mom", "gaeun_song")),
    ("city-culture", ("jihoon_lee", "bisan_mom", "pyeongchon_papa", "eunji_kwon", "suri_photo")),
    ("city-parking-answer", ("jihoon_lee", "pyeongchon_papa")),
    ("city-welfare", ("hogye_grandpa", "hyunjoo_noh", "byungchul_kang")),
    ("city-lecture", ("bisan_mom", "harin_moon", "sujin_han", "hyunjoo_noh")),
    ("city-lecture-answer", ("bisan_mom",)),
    ("concert-photo", ("anyanglove", "jihoon_lee")),
    ("city-transport", ("byungchul_kang", "woojin_hwang", "jaesung_ahn")),
    (
        "city-leeyoungpyo",
        (
            "hyunwoo_jung",
            "minji_park",
            "kim_minsu",
            "hyejin_yoon",
            "taeyang_oh",
            "junho_shin",
            "yerin_jang",
            "dongwook_seo",
            "seunghyun_ko",
        ),
    ),
    (
        "city-leeyoungpyo-photo",
        ("hyunwoo_jung", "minji_park", "kim_minsu", "suri_photo", "jiwon_baek", "dahye_nam"),
    ),
    ("leeyoungpyo-greeting", ("minji_park", "hyunwoo_jung", "anyanglove")),
    (
        "buheung-congrats",
        ("anyanglove", "hyunwoo_jung", "pyeongchon_papa", "sujin_han", "kim_minsu"),
    ),
    ("city-buheung", ("hyejin_yoon", "pyeongchon_papa")),
    ("city-education", ("harin_moon", "bisan_mom", "hyunjoo_noh")),
    ("city-neighbourhood", ("eunji_kwon", "suri_photo", "nara_heo")),
    ("mural-visit", ("suri_photo",)),
    ("city-followers", ("minji_park", "kim_minsu", "hogye_grandpa", "jihoon_lee")),
    ("city-event", ("jihoon_lee", "bisan_mom", "yejin_joo")),
)

_FAVOURITES: tuple[DemoFavourite, ...] = tuple(
    DemoFavourite(account=account, post=post)
    for post, accounts in _FAVOURITED_BY
    for account in accounts
)

_REBLOGS: tuple[DemoReblog, ...] = (
    DemoReblog("minji_park", "city-welcome", _ago(15, 22)),
    DemoReblog("kim_minsu", "city-welcome", _ago(15, 12)),
    DemoReblog("harin_moon", "city-blog", _ago(15, 10)),
    DemoReblog("jihoon_lee", "city-culture", _ago(12, 23)),
    DemoReblog("pyeongchon_papa", "city-culture", _ago(12, 6)),
    DemoReblog("bisan_mom", "city-lecture", _ago(10, 22)),
    DemoReblog("byungchul_kang", "city-transport", _ago(8, 20)),
    DemoReblog("hyunwoo_jung", "city-leeyoungpyo", _ago(6, 3, 55)),
    DemoReblog("minji_park", "city-leeyoungpyo-photo", _ago(6, 0, 50)),
    DemoReblog("kim_minsu", "city-leeyoungpyo-photo", _ago(6, 0, 40)),
    DemoReblog("anyanglove", "buheung-congrats", _ago(5, 5)),
    DemoReblog("hyejin_yoon", "city-buheung", _ago(5, 3)),
    DemoReblog("harin_moon", "city-education", _ago(4, 22)),
    DemoReblog("suri_photo", "city-neighbourhood", _ago(3, 23)),
    DemoReblog("anyanglove", "mural-visit", _ago(3, 20)),
    DemoReblog("hogye_grandpa", "city-followers", _ago(2, 23)),
    DemoReblog("jihoon_lee", "city-event", _ago(1, 18)),
)

# ---------------------------------------------------------------------------
# The city
# ---------------------------------------------------------------------------

CITY: DemoCity = DemoCity(
    accounts=_ACCOUNTS,
    follows=_build_follows(),
    # sorted() is stable, so posts written in order keep that order.
    posts=tuple(sorted(_POSTS, key=lambda post: post.ago, reverse=True)),
    favourites=_FAVOURITES,
    reblogs=_REBLOGS,
    logins=(CITY_USERNAME, DEMO_CITIZEN, MAYOR_USERNAME),
)
