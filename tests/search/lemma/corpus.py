"""Posts a city and its citizens write (notices, complaints, everyday posts) and the queries a
Korean reader types, inflected otherwise than the post: each must find its posts (by lemma),
and must not find the ones listed. Written for the test; no real citizen's words."""

from __future__ import annotations

from dataclasses import dataclass, field

POSTS: dict[str, str] = {
    # The city's notices
    "n01": "안양천 벚꽃축제가 오는 토요일에 열립니다",
    "n02": "어제 시민 체육대회가 성황리에 열렸습니다",
    "n03": "평촌 도서관이 다음 주부터 다시 문을 엽니다",
    "n04": "중앙공원 분수대는 점검을 위해 닫았습니다",
    "n05": "무료 독감 예방접종을 받으세요",
    "n06": "미세먼지가 심하니 외출을 줄이세요",
    "n07": "KTX를 타고 오시는 분은 광명역에서 셔틀버스를 이용하세요",
    "n08": "시청 민원실 운영 시간이 바뀌었습니다",
    "n09": "여자축구부 선수들을 모집합니다",
    "n10": "음식물쓰레기 수거일이 변경되었습니다",
    "n11": "자전거도로 정비 공사를 마쳤습니다",
    "n12": "어린이집 입소 신청을 받고 있습니다",
    "n13": "폭설로 버스가 늦게 다닙니다",
    "n14": "주민센터에서 여권을 발급받을 수 있습니다",
    "n15": "GTX 노선 설명회를 개최했습니다",
    # Complaints
    "c01": "가로등이 고장났어요 빨리 고쳐 주세요",
    "c02": "보도블럭이 깨져서 위험합니다",
    "c03": "놀이터 그네가 부서졌어요",
    "c04": "쓰레기통이 넘쳐서 냄새가 심해요",
    "c05": "불법주차 때문에 길이 막혔어요",
    "c06": "신호등이 꺼져 있어서 무서웠습니다",
    "c07": "공사 소음이 너무 시끄러워요",
    "c08": "버스가 안 와서 한 시간 기다렸어요",
    "c09": "하수구가 막혀서 물이 넘칩니다",
    "c10": "엘리베이터가 멈췄는데 아무도 안 고쳐요",
    "c11": "도로에 구멍이 생겼습니다 수리해 주세요",
    "c12": "CCTV를 설치해 주시면 좋겠습니다",
    "c13": "벽에 낙서가 많아서 지저분해요",
    "c14": "공원 화장실이 더러워서 못 쓰겠어요",
    "c15": "WiFi가 자꾸 끊겨요",
    # Everyday posts
    "e01": "오늘 노을이 정말 아름다워요",
    "e02": "맛있는 떡볶이 먹었다",
    "e03": "친구랑 카페에서 이야기했어요",
    "e04": "강아지가 너무 귀여워요",
    "e05": "날씨가 추워서 집에 있었어요",
    "e06": "비가 와서 우산을 샀어요",
    "e07": "아이폰을 새로 샀는데 좋네요",
    "e08": "iPhone이 고장 나서 서비스센터에 갔어요",
    "e09": "학원 끝나고 친구를 만났어요",
    "e10": "산책하다가 고양이를 봤어요",
    "e11": "새 책을 읽고 있어요 재미있네요",
    "e12": "주말에 등산을 갔는데 힘들었어요",
    "e13": "커피가 달아서 놀랐어요",
    "e14": "BTS 노래를 들으면 기분이 좋아져요",
    "e15": "아이들이 공원에서 뛰어놀아요",
    "e16": "밤하늘에 별이 반짝여요",
    "e17": "동생이 요리를 도와줬어요",
    "e18": "영화를 보고 울었어요",
}


@dataclass(frozen=True)
class Case:
    query: str
    must: frozenset[str]
    why: str
    must_not: frozenset[str] = field(default_factory=frozenset)


def case(query: str, must: str, why: str, must_not: str = "") -> Case:
    return Case(query, frozenset(must.split()), why, frozenset(must_not.split()))


CASES: list[Case] = [
    # Verbs in their dictionary form find the inflected ones
    case("열리다", "n01 n02", "열립니다, 열렸습니다", must_not="n03"),
    case("열리는 축제", "n01", "a modifier form and a noun"),
    case("열렸어요", "n01 n02", "past polite → 열리다"),
    # c10's `안 고쳐요` is a miss of the dictionary (고쳐 is an entry of its own, with no
    # stem): found by the bigram 고쳐 when the query says 고쳐, not by 고치다 (decision 0061).
    case("고치다", "c01", "고쳐 주세요"),
    case("고쳐줘", "c01", "spoken imperative"),
    case("고쳐", "c01 c10", "c10 by the bigram 고쳐"),
    case("닫다", "n04", "닫았습니다"),
    case("받다", "n05 n12", "받으세요, 받고"),
    case("타다", "n07", "타고"),
    case("바뀌다", "n08", "바뀌었습니다"),
    case("모집하다", "n09", "noun + 하다 suffix: 모집합니다"),
    case("변경되다", "n10", "noun + 되다: 변경되었습니다"),
    case("마치다", "n11", "마쳤습니다"),
    case("다니다", "n13", "다닙니다"),
    case("부서지다", "c03", "부서졌어요"),
    case("넘치다", "c04 c09", "넘쳐서, 넘칩니다"),
    case("막히다", "c05 c09", "막혔어요, 막혀서"),
    case("기다리다", "c08", "기다렸어요"),
    case("멈추다", "c10", "멈췄는데"),
    case("생기다", "c11", "생겼습니다"),
    case("설치하다", "c12", "설치해 주시면"),
    case("끊기다", "c15", "끊겨요"),
    case("먹다", "e02", "먹었다"),
    case("사다", "e06 e07", "샀어요, 샀는데"),
    case("만나다", "e09", "만났어요"),
    case("보다", "e10 e18", "봤어요, 보고"),
    case("읽다", "e11", "읽고"),
    case("가다", "e08 e12", "갔어요, 갔는데"),
    case("듣다", "e14", "들으면: ㄷ irregular"),
    case("울다", "e18", "울었어요"),
    case("돕다", "e17", "도와줬어요: ㅂ irregular"),
    case("놀라다", "e13", "놀랐어요"),
    # Adjectives
    case("아름답다", "e01", "아름다워요: ㅂ irregular"),
    case("귀엽다", "e04", "귀여워요"),
    case("춥다", "e05", "추워서"),
    case("심하다", "n06 c04", "심하니, 심해요"),
    case("위험하다", "c02", "위험합니다"),
    case("시끄럽다", "c07", "시끄러워요"),
    case("더럽다", "c14", "더러워서"),
    case("맛있다", "e02", "맛있는"),
    case("힘들다", "e12", "힘들었어요"),
    case("달다", "e13", "달아서"),
    case("무섭다", "c06", "무서웠습니다"),
    case("지저분하다", "c13", "지저분해요"),
    case("재미있다", "e11", "재미있네요"),
    # A query inflected otherwise than the post
    case("고장난 가로등", "c01", "고장났어요 → 고장나다"),
    case("위험해요", "c02", "위험합니다"),
    case("추운 날씨", "e05", "추워서"),
    case("귀여운 강아지", "e04", "귀여워요"),
    # Particles after Hangul nouns, in the post and in the query
    case("도서관이", "n03", "도서관이 → 도서관"),
    case("버스를", "n13 c08", "버스가"),
    case("고양이를", "e10", "고양이를; 고양이 is not 고양+이"),
    case("예방접종은", "n05", "a compound with a particle"),
    case("주민센터에서", "n14", "에서"),
    # Particles after Latin words
    case("KTX를", "n07", "KTX를 → ktx"),
    case("ktx", "n07", "case and particle"),
    case("CCTV가", "c12", "CCTV를 in the post"),
    case("WiFi", "c15", "WiFi가"),
    case("iPhone을", "e08", "iPhone이"),
    case("GTX", "n15", "GTX 노선"),
    case("BTS를", "e14", "BTS 노래"),
    # Compound nouns, whole and split
    case("벚꽃축제", "n01", "the compound whole"),
    case("축제", "n01", "a part of 벚꽃축제"),
    case("축구부", "n09", "a part of 여자축구부"),
    case("쓰레기", "n10 c04", "in 음식물쓰레기 and 쓰레기통"),
    case("음식물 쓰레기", "n10", "spaced query, unspaced post"),
    case("자전거 도로", "n11", "spaced query, unspaced post"),
    case("셔틀버스", "n07", "셔틀버스를"),
    case("민원실", "n08", "시청 민원실"),
    case("예방접종", "n05", "예방 + 접종"),
    case("서비스센터", "e08", "서비스센터에"),
    # Bigram recall kept: substrings the analyser does not cut out
    case("벚꽃", "n01", "inside 벚꽃축제"),
    case("수거", "n10", "inside 수거일이"),
    case("체육", "n02", "inside 체육대회가"),
    case("광명", "n07", "inside 광명역에서"),
]
