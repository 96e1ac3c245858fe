"""A Korean test corpus: short posts as a city writes them, and for each query the posts
it must find and the posts it must not. Keys are stable names; the tests post the texts
in order (p01 oldest) through the real use case, then search as another citizen."""

from __future__ import annotations

from dataclasses import dataclass

POSTS: dict[str, str] = {
    "p01": "안양시청에서 민원 상담 받았어요",
    "p02": "오늘 안양에서 친구 만남",
    "p03": "안양 중앙공원 산책 중",
    "p04": "평촌 여자축구부 훈련 일정 공지",
    "p05": "우리 학교 축구부가 이겼다!",
    "p06": "축구 경기 보러 갑니다",
    "p07": "BTS콘서트 티켓팅 성공했어요",
    "p08": "bts 콘서트 후기 올립니다",
    "p09": "콘서트홀 대관 문의드립니다",
    "p10": "iPhone 수리 맡겼어요",
    "p11": "IPHONE 액정 수리비 얼마예요?",
    "p12": "아이폰 수리 센터 위치 아시는 분",
    "p13": "길고양이 구조 요청합니다",
    "p14": "고양시 행정복지센터 다녀옴",
    "p15": "경기도 버스 노선 변경 안내",
    "p16": "경기 결과가 아쉽네요",
    "p17": "비가 많이 와서 우산 챙기세요",
    "p18": "비 오는 날 안양천 걷기",
    "p19": "비행기 소음 민원 넣었습니다",
    "p20": "안양천 자전거도로 공사 중",
    "p21": "자전거 도로가 끊겨 있어요",
    "p22": "Anyang 시민 여러분 안녕하세요",
    "p23": "anyangcity 공식 계정입니다",
    "p24": "#안양맛집 추천 받아요",
    "p25": "서울로 이사 갑니다",
    "p26": "세종로 공사 언제 끝나나요",
    "p27": "도서관에서 책 빌렸어요",
    "p28": "도서 할인 행사 중",
    "p29": "여자축구부는 오늘 훈련 쉽니다",
    "p30": "ＢＴＳ 팬미팅 후기",
    "p31": "마을버스 시간표 바뀌었어요",
    "p32": "우리 마을에 도서관이 생겼어요",
    "p33": "iPhone15 케이스 나눔해요",
    "p34": "평촌역 근처 카페 추천",
    "p35": "범계역에서 만나요",
    "p36": "고양이 사료 나눔합니다",
    "p37": "부산으로 여행 가요",
    "p38": "부산 날씨 좋네요",
    "p39": "민원24 사이트 접속이 안 돼요",
    "p40": "Python 스터디 모집 (파이썬 초보 환영)",
    "p41": "학교 앞 횡단보도 신호등 고장",
    "p42": "횡단 보도 새로 칠했네요",
}


@dataclass(frozen=True)
class Case:
    query: str
    must: frozenset[str]
    must_not: frozenset[str]
    why: str


def case(query: str, must: str, must_not: str, why: str) -> Case:
    return Case(query, frozenset(must.split()), frozenset(must_not.split()), why)


CASES: list[Case] = [
    case("안양", "p01 p02 p03 p18 p20 p24", "p14 p13 p36 p34", "two syllables inside longer words and before particles"),
    case("안양에서", "p01 p02 p03 p18 p20 p24", "p14 p34", "a particle in the query: the stem is looked for"),
    case("안양시청", "p01", "p02 p03", "a longer word: all its pairs"),
    case("축구부", "p04 p05 p29", "p06", "inside 여자축구부 and before 가/는"),
    case("여자축구부는", "p04 p29", "p05 p06", "는 stripped from a long word"),
    case("BTS콘서트", "p07 p08", "p09 p30", "Latin and Hangul glued or spaced"),
    case("bts", "p07 p08 p30", "p09", "case-insensitive and full-width Latin"),
    case("iPhone 수리", "p10 p11", "p12 p33", "two words AND-ed; case-insensitive; 수리 inside 수리비"),
    case("IPHONE", "p10 p11 p33", "p12", "upper case finds mixed case; iPhone15 holds the word iphone"),
    case("iPhone 15", "p33", "p10 p11", "letters and digits are words of their own"),
    case("고양이", "p13 p36", "p14", "고양이 is a noun, not 고양 + 이"),
    case("고양시", "p14", "p13 p36", "the city, not the cat"),
    case("경기도", "p15", "p16", "the province keeps its 도"),
    case("비", "p17 p18", "p19", "one syllable: alone or with a particle, not inside 비행기"),
    case("자전거도로", "p20 p21", "", "spacing varies: written with or without the space"),
    case("자전거 도로", "p20 p21", "", "two words find the glued form too"),
    case("anyang", "p22", "p23", "Latin words match whole, not as a prefix"),
    case("ANYANG", "p22", "p23", "case-insensitive"),
    case("맛집", "p24", "", "inside a hashtag"),
    case("#안양맛집", "p24", "p02", "a hashtag query finds the post with the tag"),
    case("서울", "p25", "", "before 로"),
    case("세종로", "p26", "p25", "로 is part of a road's name"),
    case("도서관", "p27 p32", "p28", "before 에서 and 이"),
    case("도서관에서", "p27 p32", "p28", "에서 stripped"),
    case("마을", "p31 p32", "", "two syllables: nothing stripped (마을 ends like 을)"),
    case("부산으로", "p37 p38", "", "으로 stripped"),
    case("범계역", "p35", "p34", "before 에서"),
    case("민원", "p01 p19 p39", "", "before digits"),
    case("민원24", "p39", "p01 p19", "Hangul and digits glued"),
    case("python", "p40", "", "Latin word inside Korean text"),
    case("파이썬", "p40", "", "inside parentheses"),
    case("횡단보도", "p41 p42", "", "spacing varies again"),
    case("없는말", "", "p01 p02", "a word nobody wrote finds nothing"),
]
