// 한국어 (the default). This catalogue defines the keys; every other language
// has exactly the same ones. Placeholders look like {name}. The catalogue
// type lives here too, so a catalogue imports nothing but this file and the
// service worker (no DOM) can import one.
export const ko = {
  'language.name': '한국어',

  'exit.button': '나가기',
  'exit.label': '빠른 나가기: 다른 사이트로 바로 이동하고 잠급니다 (Esc 두 번)',
  'lock.button': '잠그기',
  'nav.back': '뒤로',

  'welcome.title': '시작하기',
  'welcome.intro':
    '단체와 모임을 위한 안전한 그룹 대화입니다. 메시지는 이 기기에서 암호화되어 서버도 읽을 수 없습니다.',
  'welcome.join': '초대 코드로 참여하기',
  'welcome.create': '새로 시작하기 (그룹 만들기)',
  'welcome.privacy': '전화번호나 이메일은 필요하지 않습니다. 이 기기의 데이터는 암호로 잠깁니다.',

  'setup.titleCreate': '새로 시작하기',
  'setup.titleJoin': '초대 코드로 참여하기',
  'setup.intro': '이 기기에서 앱을 열 때 쓸 암호를 정하세요. 잊어버리면 되찾을 수 없습니다.',
  'setup.displayName': '표시 이름 (선택)',
  'setup.displayNameHint': '그룹 사람들에게 보이는 이름입니다. 별명을 써도 됩니다.',
  'setup.passphrase': '암호',
  'setup.passphraseHint': '{min}자 이상. 여러 단어를 이어 쓰면 기억하기 쉽고 안전합니다.',
  'setup.passphraseConfirm': '암호 다시 입력',
  'setup.tooWeak': '암호가 너무 약합니다. 더 길게 만들어 주세요.',
  'setup.mismatch': '두 암호가 같지 않습니다.',
  'setup.submitCreate': '만들기',
  'setup.submitJoin': '참여 요청 보내기',
  'setup.working': '기기를 준비하는 중입니다. 몇 초 걸릴 수 있습니다…',

  'strength.label': '암호 강도: {level}',
  'strength.too-short': '너무 짧음',
  'strength.weak': '약함',
  'strength.fair': '보통',
  'strength.strong': '강함',

  'unlock.title': '잠금 해제',
  'unlock.passphrase': '암호',
  'unlock.submit': '열기',
  'unlock.wrong': '암호가 맞지 않습니다.',

  'join.title': '초대 코드로 참여하기',
  'join.code': '초대 코드',
  'join.codeHint': '예: 7K3M-Q9PX-… (링크를 붙여 넣어도 됩니다)',
  'join.introduction': '관리자에게 남길 말 (선택)',
  'join.introductionHint': '그룹 관리자만 읽을 수 있습니다. 누가 소개했는지 적으면 확인이 쉽습니다.',
  'join.submit': '참여 요청 보내기',
  'join.badCode': '초대 코드가 올바르지 않습니다. 다시 확인해 주세요.',

  'waiting.title': '승인을 기다리는 중',
  'waiting.body': '참여 요청을 보냈습니다. 관리자가 승인하면 그룹이 바로 열립니다.',
  'waiting.hint': '이 화면을 닫아도 됩니다. 다음에 앱을 열면 이어서 기다립니다.',
  'waiting.approved': '승인되었습니다. 그룹을 엽니다.',
  'waiting.endedTitle': '참여 요청이 끝났습니다',
  'waiting.ended':
    '이 참여 요청은 더 이상 기다리고 있지 않으며, 그룹에 들어가지 않았습니다. 필요하면 초대해 준 사람에게 새 초대를 받으세요.',

  'groups.title': '대화',
  'groups.empty': '아직 그룹이 없습니다.',
  'groups.pending': '승인을 기다리는 참여 요청',
  'groups.unread': '읽지 않은 메시지 {count}개',
  'groups.create': '새 그룹 만들기',
  'groups.join': '초대 코드로 참여',

  'newGroup.title': '새 그룹',
  'newGroup.name': '그룹 이름',
  'newGroup.nameHint': '이름은 암호화되어 서버에 보이지 않습니다.',
  'newGroup.nameMissing': '그룹 이름을 입력해 주세요.',
  'newGroup.submit': '그룹 만들기',

  'group.loading': '불러오는 중…',
  'group.unnamed': '이름 없는 그룹',
  'group.sections': '그룹 메뉴',
  'tab.chat': '대화',
  'tab.board': '게시판',
  'tab.members': '구성원',
  'tab.admin': '관리',

  'role.member': '구성원',
  'role.facilitator': '활동가',
  'role.admin': '관리자',

  'chat.log': '메시지',
  'chat.compose': '메시지 입력',
  'chat.send': '보내기',
  'chat.you': '나',
  'chat.member': '구성원 {id}',
  'chat.state.sending': '보내는 중…',
  'chat.state.stored': '서버에 저장됨',
  'chat.state.failed': '보내지 못함',
  'chat.urgent': '[긴급 도움 요청]',
  'chat.unsupported': '이 버전에서 표시할 수 없는 메시지입니다. 앱을 업데이트해 주세요.',
  'chat.edited': '(수정됨)',
  'chat.deleted': '(삭제된 메시지)',
  'chat.removed': '이 그룹에서 내보내졌습니다.',
  'chat.announcementOnly': '이 그룹에서는 활동가와 관리자만 메시지를 보낼 수 있습니다.',

  'warn.unverified': '보낸 사람을 확인할 수 없습니다. 내용을 표시하지 않습니다.',
  'warn.invalidRoster': '구성원 목록을 확인할 수 없습니다. 관리자가 추가하지 않은 사람이 있을 수 있습니다.',
  'warn.roleRejected': '이 사람의 역할로는 보낼 수 없는 메시지입니다. 내용을 표시하지 않습니다.',
  'warn.gap': '앞의 메시지 일부가 빠졌거나 아직 도착하지 않았습니다.',
  'warn.replay': '같은 메시지가 다시 도착해 무시했습니다.',
  'warn.undecryptable': '읽을 수 없는 메시지가 있습니다.',

  // What a server that hides or forks did (delivery checks)
  'warn.seqJump': '서버가 이 메시지 앞의 메시지 일부를 보내주지 않았습니다.',
  'warn.missingFrom': '{name}님의 메시지 {count}개가 끝내 도착하지 않았습니다. 서버가 빼돌렸을 수 있습니다.',
  'warn.hiddenMember':
    '서버가 {name}님의 메시지를 나에게만 숨기고 있을 수 있습니다. 다른 구성원은 그 메시지를 받았습니다.',
  'warn.fork':
    '서버가 구성원마다 다른 그룹을 보여주고 있습니다. 민감한 내용을 보내지 말고, 직접 만나 안전 번호와 그룹 버전을 비교한 뒤 관리자에게 알리세요.',
  'safety.roster': '그룹 버전: {seq}번 · {hash}',
  'safety.rosterHint':
    '그룹 버전도 두 화면에서 같아야 합니다. 다르면 서버가 두 사람에게 다른 그룹을 보여주고 있는 것입니다.',

  'board.list': '게시글',
  'board.empty': '게시글이 없습니다.',
  'board.compose': '새 공지',
  'board.pinOnPost': '맨 위에 고정',
  'board.post': '게시하기',
  'board.posted': '게시했습니다.',
  'board.pinned': '고정됨',
  'board.pin': '고정',
  'board.unpin': '고정 해제',
  'board.expires': '{when}까지 표시',
  'board.readOnly': '게시판은 활동가와 관리자만 쓸 수 있습니다. 대화는 대화 탭에서 하세요.',

  'members.safety': '안전 번호 확인',
  'members.roleOf': '{name}의 역할',
  'members.setRole': '역할 바꾸기',
  'members.roleChanged': '역할을 바꿨습니다.',
  'members.remove': '내보내기',
  'members.removeConfirm': '{name}님을 정말 내보낼까요? 다시 누르면 내보냅니다',
  'members.removed': '내보냈습니다. 새 암호 키가 만들어졌습니다.',

  'requests.title': '참여 요청',
  'requests.none': '기다리는 참여 요청이 없습니다.',
  'requests.via': '초대: {invite}',
  'requests.noIntroduction': '남긴 말이 없습니다.',
  'requests.safety': '안전 번호 (직접 만나 상대의 화면과 비교하세요):',
  'requests.approve': '승인',
  'requests.reject': '거절',
  'requests.approved': '승인했습니다.',
  'requests.transplanted':
    '경고: 이 소개 글은 이 기기가 쓴 것이 아닙니다. 서버가 사람을 바꿔치기했을 수 있습니다. 승인하지 말고, 직접 만나 안전 번호를 비교하세요.',
  'requests.unreadableIntroduction':
    '남긴 말이 있지만 이 기기에서는 읽을 수 없습니다 (다른 관리자나 이전 키 앞으로 봉인됨). 승인하기 전에 직접 만나 안전 번호를 비교하세요.',
  'requests.clearAll': '기다리는 요청 {count}개 모두 거절',
  'requests.clearInvite': '이 초대의 요청 {count}개 거절',
  'requests.clearConfirm': '요청 {count}개를 정말 거절할까요? 한 번 더 누르면 거절합니다',
  'requests.cleared': '요청 {count}개를 거절했습니다.',
  'invite.revokeConfirm': '폐기하면 이 초대로 들어온 요청 {count}개도 거절됩니다. 한 번 더 누르면 폐기합니다',

  'invite.title': '초대',
  'invite.role': '역할',
  'invite.uses': '사용 횟수',
  'invite.expiry': '유효 기간',
  'invite.hours': '{count}시간',
  'invite.days': '{count}일',
  'invite.label': '메모 (관리자만 봄)',
  'invite.labelHint': '누구에게 준 코드인지 적어 두세요. 암호화되어 저장됩니다.',
  'invite.create': '초대 만들기',
  'invite.rotate': '모두 폐기하고 새로 만들기',
  'invite.newCode': '새 초대 코드',
  'invite.revokedCount': '기존 초대 {count}개를 폐기했습니다.',
  'invite.copyLink': '링크 복사',
  'invite.copied': '링크를 복사했습니다.',
  'invite.qr': '초대 링크 QR 코드',
  'invite.shownOnce': '코드는 지금 한 번만 보입니다. 믿을 수 있는 방법으로 전해 주세요.',
  'invite.none': '초대가 없습니다.',
  'invite.unlabelled': '초대 {id}',
  'invite.usage': '{uses}/{max}회 사용 · {when}까지',
  'invite.revoke': '폐기',
  'invite.statusActive': '사용 가능',
  'invite.statusRevoked': '폐기됨',
  'invite.statusExpired': '만료됨',
  'invite.statusUsedUp': '모두 사용됨',

  'admin.settings': '그룹 설정',
  'admin.retention': '메시지 보관 기간',
  'admin.retentionHint': '기간이 지나면 서버에서 메시지가 지워집니다.',
  'admin.announcementOnly': '활동가와 관리자만 대화에 쓸 수 있음',
  'admin.saveSettings': '설정 저장',
  'admin.saved': '저장했습니다.',
  'admin.rotateEpoch': '지금 암호 키 바꾸기',
  'admin.rotated': '새 암호 키를 만들었습니다.',

  'retention.forever': '지우지 않음',
  'retention.days': '{count}일',

  'safety.title': '안전 번호',
  'safety.intro':
    '{name}님과 직접 만나 두 화면의 숫자(또는 QR 코드)가 같은지 확인하세요. 같으면 중간에서 아무도 끼어들지 않은 것입니다.',
  'safety.qr': '안전 번호 QR 코드',
  'safety.mismatch': '숫자가 다르면 이 사람에게 민감한 내용을 보내지 말고 관리자에게 알리세요.',

  'settings.title': '설정',
  'settings.language': '언어',
  'settings.save': '저장',
  'settings.saved': '저장했습니다.',
  'settings.lockAfter': '자동 잠금',
  'settings.minutes': '{count}분 동안 사용하지 않으면',
  'settings.notifications': '알림 받기',
  'settings.notificationsHint':
    '알림에는 내용이나 이름이 절대 나오지 않습니다. 앱이 잠겨 있는 동안에는 알림이 오지 않습니다.',
  'settings.retentionHint': '기간이 지나면 서버에서 메시지가 지워집니다. 관리하는 그룹만 여기에 나옵니다.',
  'settings.duressTitle': '비상 암호',
  'settings.duressHint':
    '잠금 화면에서 이 암호를 입력하면 이 기기의 모든 데이터가 지워지고, 처음 설치한 것처럼 빈 앱이 열립니다.',
  'settings.duressPassphrase': '비상 암호',
  'settings.duressSave': '비상 암호 저장',
  'settings.duressClear': '비상 암호 없애기',
  'settings.duressSet': '비상 암호를 저장했습니다.',
  'settings.duressCleared': '비상 암호를 없앴습니다.',
  'settings.duressSame': '비상 암호는 평소 암호와 달라야 합니다.',
  'settings.duressOn': '비상 암호: 설정됨',
  'settings.duressOff': '비상 암호: 설정 안 됨',
  'settings.passphraseTitle': '암호 바꾸기',
  'settings.passphraseHint':
    '누군가 암호를 알게 되었다면 바꾸세요. 이 기기의 모든 데이터가 새 암호로 다시 잠기고, 예전 암호로는 더 이상 열리지 않습니다. 비상 암호는 그대로 쓸 수 있습니다.',
  'settings.passphraseCurrent': '지금 쓰는 암호',
  'settings.newPassphrase': '새 암호',
  'settings.newPassphraseConfirm': '새 암호 다시 입력',
  'settings.passphraseSubmit': '암호 바꾸기',
  'settings.passphraseWorking': '새 암호로 다시 잠그는 중입니다. 화면을 닫지 마세요…',
  'settings.passphraseChanged': '암호를 바꿨습니다. 다음부터 새 암호로 여세요.',
  'settings.passphraseWrong': '지금 쓰는 암호가 맞지 않습니다.',
  'settings.passphraseSameAsDuress': '새 암호는 비상 암호와 달라야 합니다.',
  'settings.passphraseUnchanged': '새 암호가 지금 쓰는 암호와 같습니다.',
  'settings.lockNow': '지금 잠그기',
  'settings.wipeTitle': '이 기기에서 지우기',
  'settings.wipeHint': '키, 대화 기록, 임시 저장 글을 모두 지웁니다. 되돌릴 수 없습니다.',
  'settings.wipe': '이 기기의 데이터 모두 지우기',
  'settings.wipeConfirm': '정말 지울까요? 다시 누르면 지웁니다',

  'notify.title': '메모',
  'notify.body': '새 소식이 있습니다.',

  'error.generic': '문제가 생겼습니다. 잠시 후 다시 해 주세요.',
  'error.offline': '서버에 연결할 수 없습니다. 인터넷 연결을 확인해 주세요.',
  'error.rate_limited': '너무 자주 시도했습니다. 잠시 후 다시 해 주세요.',
  'error.invite_not_found': '없는 초대 코드입니다.',
  'error.invite_expired': '기간이 지난 초대 코드입니다.',
  'error.invite_revoked': '폐기된 초대 코드입니다.',
  'error.invite_used_up': '이미 모두 사용된 초대 코드입니다.',
  'error.already_member': '이미 이 그룹의 구성원입니다.',
  'error.join_request_limit': '참여 요청이 너무 많습니다. 잠시 후 다시 해 주세요.',
  'error.not_admin': '관리자만 할 수 있습니다.',
  'error.role_forbidden': '이 역할로는 할 수 없습니다.',
  'error.announcement_only': '이 그룹에서는 활동가와 관리자만 메시지를 보낼 수 있습니다.',
  'error.not_member': '이 그룹의 구성원이 아닙니다.',
  'error.payload_too_large': '내용이 너무 깁니다.',

  'consent.invitationBadge': '초대',
  'consent.invitation':
    '참여를 요청하지 않은 그룹에 추가되었습니다. 수락하기 전에는 이 그룹에 이름을 포함해 아무것도 보내지 않습니다.',
  'consent.checkWho': '누가 운영하는 그룹인지 알 때만 수락하세요. 그 사람과 직접 만나 안전 번호를 비교하세요.',
  'consent.accept': '수락',
  'consent.decline': '거절하고 나가기',
  'consent.accepted': '그룹에 참여했습니다.',
  'consent.declined': '거절하고 그룹에서 나왔습니다.',
  'group.leave': '그룹 나가기',
  'group.leaveConfirm': '정말 나갈까요? 한 번 더 누르면 나갑니다',
  'group.left': '그룹에서 나왔습니다.',
  'warn.notVerifiedBadge': '확인되지 않음',
  'warn.notVerified':
    '확인되지 않음: 직접 입력한 코드로 참여해서, 초대받은 그룹이 맞는지 앱이 확인할 수 없습니다. 관리자와 안전 번호를 비교하세요.',
  'warn.wrongGroup': '초대받은 그룹이 아니어서 열지 않았습니다. 초대한 사람에게 새 링크를 요청하세요.',
  'error.not_requested': '그 사람은 이 그룹에 참여를 요청하지 않았습니다.',
  'error.roster_illegal_op':
    '허용되지 않는 변경입니다(예: 마지막 관리자는 나갈 수 없습니다. 먼저 다른 사람을 관리자로 정하세요).',
  // the group's keys (a removal's new key withheld; an old device key served)
  'key.waiting':
    '그룹의 새 열쇠를 기다리고 있습니다. 한 사람이 그룹에서 빠져서 대화를 지키는 열쇠가 바뀌었습니다. 새 열쇠가 이 기기에 도착하면 다시 보낼 수 있습니다. 쓰던 글은 그대로 남아 있습니다.',
  'key.stale':
    '주의: 서버가 관리자에게 이 기기의 예전 열쇠를 건넨 것으로 보입니다. 그 열쇠로 잠긴 내용은 열지 않았고, 관리자에게 새 열쇠를 요청했습니다.',
} as const;

export type MessageKey = keyof typeof ko;
export type Catalogue = Record<MessageKey, string>;
/**
 * A language's other forms of a text that takes {count}, by Intl.PluralRules
 * category (the catalogue holds the "other" form). Korean needs none: its
 * nouns do not change with the number.
 */
export type PluralForms = Partial<Record<MessageKey, Partial<Record<Intl.LDMLPluralRule, string>>>>;
