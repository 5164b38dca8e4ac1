/**
 * Writes catalog/tasks.csv: an ILLUSTRATIVE catalog of the 949 delegated tasks that matches every
 * published aggregate (949 tasks; 584 FEASIBLE, 355 REQUIRES_GUIDANCE, 10 AUTHORITY_ADJUSTMENT;
 * 12 ministries) and includes the known bottleneck examples from reference.json as real rows.
 * Deterministic: the same file every run. Usage: npm run catalog:generate
 */
import fs from 'node:fs';
import path from 'node:path';
import reference from '../catalog/reference.json';

const OUT = path.resolve(__dirname, '..', 'catalog', 'tasks.csv');

// Per ministry: sectors and the subjects of tasks delegated in them.
const AREAS: Record<string, { sector: string; subjects: string[] }[]> = {
  BNV: [
    {
      sector: 'Civil service',
      subjects: [
        'recruitment of commune-level civil servants',
        'rank promotion examinations for provincial officials',
        'secondment of officials to communes',
        'job-position frameworks in provincial agencies',
      ],
    },
    {
      sector: 'Local government organisation',
      subjects: [
        'establishment of commune specialised divisions',
        'naming of merged commune-level units',
        'village and residential group organisation',
        'allowances for part-time commune staff',
      ],
    },
    {
      sector: 'Emulation and rewards',
      subjects: ['provincial certificates of merit', 'emulation flags for commune units', 'labour medal nominations'],
    },
  ],
  BTP: [
    {
      sector: 'Civil status',
      subjects: [
        'birth registration with foreign elements',
        'marriage registration with foreign elements',
        'change of civil status records',
        'certification of marital status',
      ],
    },
    {
      sector: 'Judicial records and notarisation',
      subjects: ['authentication of copies', 'notarial practice registration', 'judicial-assistance procedures'],
    },
    {
      sector: 'Legal aid and mediation',
      subjects: ['grassroots mediation teams', 'legal-aid collaborators', 'legal dissemination plans'],
    },
  ],
  BTC: [
    {
      sector: 'Investment',
      subjects: [
        'investment policy approval for small projects',
        'adjustment of investment registration certificates',
        'investment incentives within industrial zones',
      ],
    },
    {
      sector: 'Public assets and budget',
      subjects: [
        'transfer of public assets after unit mergers',
        'liquidation of public housing',
        'commune budget estimates',
      ],
    },
    {
      sector: 'Enterprise registration',
      subjects: ['household business registration', 'cooperative registration', 'branch registration of enterprises'],
    },
  ],
  BCT: [
    {
      sector: 'Trade',
      subjects: [
        'licences for alcohol retail',
        'tobacco retail licences',
        'registration of sales promotions',
        'market management boards',
      ],
    },
    {
      sector: 'Energy and industry',
      subjects: [
        'electricity operation licences for small plants',
        'industrial cluster planning',
        'chemical safety certificates',
      ],
    },
  ],
  BNNMT: [
    {
      sector: 'Land',
      subjects: [
        'land allocation to households',
        'land-use right certificates',
        'land recovery compensation plans',
        'land price tables',
      ],
    },
    {
      sector: 'Environment',
      subjects: [
        'environmental permits for small facilities',
        'environmental registration',
        'domestic waste collection plans',
      ],
    },
    {
      sector: 'Agriculture and rural development',
      subjects: [
        'plant protection certificates',
        'veterinary hygiene certificates',
        'irrigation works management',
        'forest protection contracts',
      ],
    },
    {
      sector: 'Water resources and fisheries',
      subjects: ['surface water exploitation licences', 'fishing vessel registration', 'aquaculture registration'],
    },
  ],
  BXD: [
    {
      sector: 'Construction',
      subjects: [
        'construction permits for individual houses',
        'appraisal of construction designs',
        'construction quality inspection',
      ],
    },
    {
      sector: 'Urban planning and housing',
      subjects: ['detailed urban planning approval', 'social housing eligibility', 'apartment building management'],
    },
    {
      sector: 'Transport',
      subjects: [
        'inland waterway wharf licences',
        'driving licence exchange',
        'road maintenance on local routes',
        'vehicle registration inspection',
      ],
    },
  ],
  BVHTTDL: [
    {
      sector: 'Culture',
      subjects: [
        'licences for art performances',
        'relic site classification',
        'karaoke business licences',
        'festival organisation',
      ],
    },
    {
      sector: 'Sports and tourism',
      subjects: ['sports club recognition', 'tour guide cards', 'tourist accommodation grading'],
    },
    { sector: 'Press and publication', subjects: ['local bulletin licences', 'publication import registration'] },
  ],
  BKHCN: [
    {
      sector: 'Science and technology',
      subjects: [
        'technology transfer registration',
        'science and technology enterprise certificates',
        'measurement standard inspection',
      ],
    },
    {
      sector: 'Digital transformation and post',
      subjects: [
        'commune digital service points',
        'postal service licences',
        'telecommunications infrastructure sharing',
      ],
    },
  ],
  BGDDT: [
    {
      sector: 'Education',
      subjects: [
        'establishment of private kindergartens',
        'recognition of schools meeting national standards',
        'textbook selection',
        'continuing-education centres',
      ],
    },
    {
      sector: 'Vocational education',
      subjects: ['vocational training registration', 'vocational teacher certificates'],
    },
  ],
  BYT: [
    {
      sector: 'Medical examination and treatment',
      subjects: [
        'practice licences for physicians',
        'licences for private clinics',
        'referral between commune and district facilities',
      ],
    },
    {
      sector: 'Pharmacy and food safety',
      subjects: [
        'pharmacy practice certificates',
        'drugstore licences',
        'food safety certificates for small producers',
      ],
    },
    {
      sector: 'Preventive medicine and population',
      subjects: [
        'vaccination point certification',
        'population and family planning services',
        'occupational disease screening',
      ],
    },
  ],
  BDTTG: [
    {
      sector: 'Ethnic affairs',
      subjects: [
        'recognition of prestigious persons in ethnic minority areas',
        'support policies for ethnic minority villages',
        'classification of ethnic minority communes',
      ],
    },
    {
      sector: 'Beliefs and religions',
      subjects: [
        'registration of religious activities',
        'approval of religious festivals',
        'registration of religious training',
      ],
    },
  ],
  BCA: [
    {
      sector: 'Residence and identity',
      subjects: ['permanent residence registration', 'temporary residence registration', 'citizen identity cards'],
    },
    {
      sector: 'Public order',
      subjects: [
        'security conditions for conditional businesses',
        'fire prevention acceptance for small works',
        'weapons and support tools permits',
      ],
    },
  ],
};

// Vietnamese for every sector and subject above (the catalog is Vietnamese first; English is the rendering).
const VI: Record<string, string> = {
  // Sectors.
  'Civil service': 'Công chức, viên chức',
  'Local government organisation': 'Tổ chức chính quyền địa phương',
  'Emulation and rewards': 'Thi đua, khen thưởng',
  'Civil status': 'Hộ tịch',
  'Judicial records and notarisation': 'Lý lịch tư pháp và công chứng',
  'Legal aid and mediation': 'Trợ giúp pháp lý và hoà giải',
  Investment: 'Đầu tư',
  'Public assets and budget': 'Tài sản công và ngân sách',
  'Enterprise registration': 'Đăng ký doanh nghiệp',
  Trade: 'Thương mại',
  'Energy and industry': 'Năng lượng và công nghiệp',
  Land: 'Đất đai',
  Environment: 'Môi trường',
  'Agriculture and rural development': 'Nông nghiệp và phát triển nông thôn',
  'Water resources and fisheries': 'Tài nguyên nước và thuỷ sản',
  Construction: 'Xây dựng',
  'Urban planning and housing': 'Quy hoạch đô thị và nhà ở',
  Transport: 'Giao thông vận tải',
  Culture: 'Văn hoá',
  'Sports and tourism': 'Thể thao và du lịch',
  'Press and publication': 'Báo chí và xuất bản',
  'Science and technology': 'Khoa học và công nghệ',
  'Digital transformation and post': 'Chuyển đổi số và bưu chính',
  Education: 'Giáo dục',
  'Vocational education': 'Giáo dục nghề nghiệp',
  'Medical examination and treatment': 'Khám bệnh, chữa bệnh',
  'Pharmacy and food safety': 'Dược và an toàn thực phẩm',
  'Preventive medicine and population': 'Y tế dự phòng và dân số',
  'Ethnic affairs': 'Công tác dân tộc',
  'Beliefs and religions': 'Tín ngưỡng, tôn giáo',
  'Residence and identity': 'Cư trú và căn cước',
  'Public order': 'Trật tự, an toàn xã hội',
  // Subjects.
  'recruitment of commune-level civil servants': 'tuyển dụng công chức cấp xã',
  'rank promotion examinations for provincial officials': 'thi nâng ngạch công chức cấp tỉnh',
  'secondment of officials to communes': 'biệt phái cán bộ, công chức về cấp xã',
  'job-position frameworks in provincial agencies': 'khung vị trí việc làm trong cơ quan cấp tỉnh',
  'establishment of commune specialised divisions': 'thành lập phòng chuyên môn cấp xã',
  'naming of merged commune-level units': 'đặt tên đơn vị hành chính cấp xã sau sáp nhập',
  'village and residential group organisation': 'tổ chức thôn, tổ dân phố',
  'allowances for part-time commune staff': 'phụ cấp người hoạt động không chuyên trách cấp xã',
  'provincial certificates of merit': 'bằng khen cấp tỉnh',
  'emulation flags for commune units': 'cờ thi đua cho đơn vị cấp xã',
  'labour medal nominations': 'hồ sơ đề nghị tặng Huân chương Lao động',
  'birth registration with foreign elements': 'đăng ký khai sinh có yếu tố nước ngoài',
  'marriage registration with foreign elements': 'đăng ký kết hôn có yếu tố nước ngoài',
  'change of civil status records': 'thay đổi, cải chính hộ tịch',
  'certification of marital status': 'xác nhận tình trạng hôn nhân',
  'authentication of copies': 'chứng thực bản sao',
  'notarial practice registration': 'đăng ký hành nghề công chứng',
  'judicial-assistance procedures': 'thủ tục tương trợ tư pháp',
  'grassroots mediation teams': 'tổ hoà giải ở cơ sở',
  'legal-aid collaborators': 'cộng tác viên trợ giúp pháp lý',
  'legal dissemination plans': 'kế hoạch phổ biến, giáo dục pháp luật',
  'investment policy approval for small projects': 'chấp thuận chủ trương đầu tư dự án quy mô nhỏ',
  'adjustment of investment registration certificates': 'điều chỉnh giấy chứng nhận đăng ký đầu tư',
  'investment incentives within industrial zones': 'ưu đãi đầu tư trong khu công nghiệp',
  'transfer of public assets after unit mergers': 'điều chuyển tài sản công sau sắp xếp đơn vị',
  'liquidation of public housing': 'thanh lý nhà ở thuộc tài sản công',
  'commune budget estimates': 'dự toán ngân sách cấp xã',
  'household business registration': 'đăng ký hộ kinh doanh',
  'cooperative registration': 'đăng ký hợp tác xã',
  'branch registration of enterprises': 'đăng ký chi nhánh doanh nghiệp',
  'licences for alcohol retail': 'giấy phép bán lẻ rượu',
  'tobacco retail licences': 'giấy phép bán lẻ sản phẩm thuốc lá',
  'registration of sales promotions': 'đăng ký thực hiện khuyến mại',
  'market management boards': 'ban quản lý chợ',
  'electricity operation licences for small plants': 'giấy phép hoạt động điện lực cho nhà máy nhỏ',
  'industrial cluster planning': 'quy hoạch cụm công nghiệp',
  'chemical safety certificates': 'giấy chứng nhận an toàn hoá chất',
  'land allocation to households': 'giao đất cho hộ gia đình',
  'land-use right certificates': 'giấy chứng nhận quyền sử dụng đất',
  'land recovery compensation plans': 'phương án bồi thường khi thu hồi đất',
  'land price tables': 'bảng giá đất',
  'environmental permits for small facilities': 'giấy phép môi trường cho cơ sở nhỏ',
  'environmental registration': 'đăng ký môi trường',
  'domestic waste collection plans': 'phương án thu gom chất thải rắn sinh hoạt',
  'plant protection certificates': 'giấy chứng nhận bảo vệ thực vật',
  'veterinary hygiene certificates': 'giấy chứng nhận vệ sinh thú y',
  'irrigation works management': 'quản lý công trình thuỷ lợi',
  'forest protection contracts': 'hợp đồng khoán bảo vệ rừng',
  'surface water exploitation licences': 'giấy phép khai thác nước mặt',
  'fishing vessel registration': 'đăng ký tàu cá',
  'aquaculture registration': 'đăng ký nuôi trồng thuỷ sản',
  'construction permits for individual houses': 'giấy phép xây dựng nhà ở riêng lẻ',
  'appraisal of construction designs': 'thẩm định thiết kế xây dựng',
  'construction quality inspection': 'kiểm tra chất lượng công trình xây dựng',
  'detailed urban planning approval': 'phê duyệt quy hoạch chi tiết đô thị',
  'social housing eligibility': 'điều kiện hưởng chính sách nhà ở xã hội',
  'apartment building management': 'quản lý nhà chung cư',
  'inland waterway wharf licences': 'giấy phép bến thuỷ nội địa',
  'driving licence exchange': 'đổi giấy phép lái xe',
  'road maintenance on local routes': 'bảo trì đường bộ địa phương',
  'vehicle registration inspection': 'kiểm định phương tiện giao thông',
  'licences for art performances': 'giấy phép tổ chức biểu diễn nghệ thuật',
  'relic site classification': 'xếp hạng di tích',
  'karaoke business licences': 'giấy phép kinh doanh dịch vụ karaoke',
  'festival organisation': 'tổ chức lễ hội',
  'sports club recognition': 'công nhận câu lạc bộ thể thao',
  'tour guide cards': 'thẻ hướng dẫn viên du lịch',
  'tourist accommodation grading': 'xếp hạng cơ sở lưu trú du lịch',
  'local bulletin licences': 'giấy phép xuất bản bản tin địa phương',
  'publication import registration': 'đăng ký nhập khẩu xuất bản phẩm',
  'technology transfer registration': 'đăng ký chuyển giao công nghệ',
  'science and technology enterprise certificates': 'giấy chứng nhận doanh nghiệp khoa học và công nghệ',
  'measurement standard inspection': 'kiểm định chuẩn đo lường',
  'commune digital service points': 'điểm phục vụ số cấp xã',
  'postal service licences': 'giấy phép bưu chính',
  'telecommunications infrastructure sharing': 'dùng chung hạ tầng viễn thông',
  'establishment of private kindergartens': 'thành lập trường mầm non tư thục',
  'recognition of schools meeting national standards': 'trường đạt chuẩn quốc gia',
  'textbook selection': 'lựa chọn sách giáo khoa',
  'continuing-education centres': 'trung tâm giáo dục thường xuyên',
  'vocational training registration': 'đăng ký hoạt động giáo dục nghề nghiệp',
  'vocational teacher certificates': 'chứng chỉ nhà giáo giáo dục nghề nghiệp',
  'practice licences for physicians': 'giấy phép hành nghề của bác sĩ',
  'licences for private clinics': 'giấy phép hoạt động phòng khám tư nhân',
  'referral between commune and district facilities': 'chuyển tuyến giữa cơ sở y tế cấp xã và khu vực',
  'pharmacy practice certificates': 'chứng chỉ hành nghề dược',
  'drugstore licences': 'giấy chứng nhận đủ điều kiện kinh doanh dược',
  'food safety certificates for small producers': 'giấy chứng nhận an toàn thực phẩm cho cơ sở sản xuất nhỏ',
  'vaccination point certification': 'công bố cơ sở đủ điều kiện tiêm chủng',
  'population and family planning services': 'dịch vụ dân số và kế hoạch hoá gia đình',
  'occupational disease screening': 'khám phát hiện bệnh nghề nghiệp',
  'recognition of prestigious persons in ethnic minority areas':
    'công nhận người có uy tín trong vùng đồng bào dân tộc thiểu số',
  'support policies for ethnic minority villages': 'chính sách hỗ trợ thôn vùng đồng bào dân tộc thiểu số',
  'classification of ethnic minority communes': 'phân định xã vùng đồng bào dân tộc thiểu số',
  'registration of religious activities': 'đăng ký sinh hoạt tôn giáo',
  'approval of religious festivals': 'chấp thuận tổ chức lễ hội tôn giáo',
  'registration of religious training': 'đăng ký mở lớp bồi dưỡng về tôn giáo',
  'permanent residence registration': 'đăng ký thường trú',
  'temporary residence registration': 'đăng ký tạm trú',
  'citizen identity cards': 'thẻ căn cước công dân',
  'security conditions for conditional businesses':
    'điều kiện về an ninh, trật tự đối với ngành nghề kinh doanh có điều kiện',
  'fire prevention acceptance for small works': 'nghiệm thu phòng cháy, chữa cháy công trình nhỏ',
  'weapons and support tools permits': 'giấy phép sử dụng vũ khí, công cụ hỗ trợ',
};
const vi = (en: string): string => {
  const t = VI[en];
  if (t === undefined) throw new Error(`no Vietnamese for "${en}"`);
  return t;
};

const ACTIONS = [
  'Approval of',
  'Issuance of',
  'Renewal and re-issuance of',
  'Inspection of',
  'Revocation of',
  'Registration and management of',
  'Appraisal of',
  'Decision on',
  'Supervision of',
  'Adjustment of',
  'Recognition of',
  'Reporting on',
];

// The same actions in Vietnamese, in the same order (a verb before its object, as in the English).
const ACTIONS_VI = [
  'Phê duyệt',
  'Cấp',
  'Gia hạn, cấp lại',
  'Kiểm tra',
  'Thu hồi',
  'Đăng ký và quản lý',
  'Thẩm định',
  'Quyết định về',
  'Giám sát',
  'Điều chỉnh',
  'Công nhận',
  'Báo cáo về',
];

// Focal points' names with their diacritics (illustrative people).
const FIRST = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô', 'Dương', 'Lý'];
const LAST = [
  'Văn An',
  'Thị Bình',
  'Minh Châu',
  'Quốc Dũng',
  'Thu Hà',
  'Đức Hải',
  'Thanh Hương',
  'Văn Khoa',
  'Ngọc Lan',
  'Hồng Minh',
  'Anh Tuấn',
  'Thị Yến',
];

// The published bottleneck examples, as real rows (reference.json, knownBottleneckExamples).
const KNOWN_STATUS: Record<string, 'REQUIRES_GUIDANCE' | 'AUTHORITY_ADJUSTMENT'> = {
  BYT: 'REQUIRES_GUIDANCE',
  BTC: 'AUTHORITY_ADJUSTMENT',
  BNV: 'AUTHORITY_ADJUSTMENT',
  BGDDT: 'REQUIRES_GUIDANCE',
  BDTTG: 'REQUIRES_GUIDANCE',
  BCA: 'REQUIRES_GUIDANCE',
  BTP: 'REQUIRES_GUIDANCE',
};
// The seven examples in Vietnamese, in the wording of the report of 6 December 2025 (reference.json gives the English).
const KNOWN_TITLE_VI: Record<string, string> = {
  BYT: 'Cấp giấy phép hoạt động khám bệnh, chữa bệnh đối với trạm y tế cấp xã sau sắp xếp',
  BTC: 'Sắp xếp, tổ chức lại Ban Quản lý khu công nghiệp, khu kinh tế cấp tỉnh',
  BNV: 'Đơn vị sự nghiệp công lập thuộc Ủy ban nhân dân cấp tỉnh',
  BGDDT: 'Thẩm quyền tuyển dụng viên chức ngành giáo dục tại đơn vị sự nghiệp công lập cấp xã',
  BDTTG: 'Xử phạt vi phạm hành chính trong lĩnh vực tín ngưỡng, tôn giáo',
  BCA: 'Thủ tục quản lý cư trú của công dân (29 thủ tục cần đơn giản hoá)',
  BTP: 'Thủ tục cấp phiếu lý lịch tư pháp (42 thủ tục cần đơn giản hoá)',
};
const KNOWN_SECTOR: Record<string, string> = {
  BYT: 'Medical examination and treatment',
  BTC: 'Investment',
  BNV: 'Local government organisation',
  BGDDT: 'Education',
  BDTTG: 'Beliefs and religions',
  BCA: 'Residence and identity',
  BTP: 'Judicial records and notarisation',
};

// A small deterministic PRNG (mulberry32), so the catalog is the same on every machine.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csv(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function main(): void {
  const rand = rng(20251206);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const ministries = reference.ministries.filter((m) => m.delegates).map((m) => m.code);
  const { FEASIBLE, REQUIRES_GUIDANCE, AUTHORITY_ADJUSTMENT } = reference.assessment.byStatus;
  const total = reference.assessment.delegatedTasks;

  // Weights: how many tasks each ministry delegated (illustrative; land, construction and health lead).
  const weights: Record<string, number> = {
    BNNMT: 150,
    BXD: 120,
    BYT: 95,
    BTC: 95,
    BCT: 80,
    BTP: 75,
    BVHTTDL: 70,
    BGDDT: 65,
    BNV: 60,
    BCA: 55,
    BKHCN: 45,
    BDTTG: 39,
  };
  const weightSum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (weightSum !== total) throw new Error(`weights add up to ${weightSum}, not ${total}`);

  type Row = {
    code: string;
    title: string;
    titleVi: string;
    sector: string;
    legalBasis: string;
    legalBasisVi: string;
    level: string;
    lead: string;
    coordinating: string[];
    status: string;
    due: string;
    fpName: string;
    fpEmail: string;
    since: string;
  };
  const rows: Row[] = [];
  for (const m of ministries) {
    const areas = AREAS[m];
    if (!areas) throw new Error(`no areas for ${m}`);
    const count = weights[m] ?? 0;
    const used = new Set<string>();
    const known = reference.knownBottleneckExamples.filter((k) => k.ministry === m);
    for (let i = 0; i < count; i++) {
      let title: string;
      let titleVi: string;
      let sector: string;
      const k = known[i];
      if (k) {
        title = k.title;
        titleVi = KNOWN_TITLE_VI[m] ?? k.title;
        sector = KNOWN_SECTOR[m] ?? (areas[0] as { sector: string }).sector;
      } else {
        let attempt = 0;
        do {
          const area = pick(areas);
          sector = area.sector;
          const subject = pick(area.subjects);
          const action = Math.floor(rand() * ACTIONS.length);
          const base = `${ACTIONS[action]} ${subject}`;
          const baseVi = `${ACTIONS_VI[action]} ${vi(subject)}`;
          const suffix = attempt < 20 ? '' : ` (${++attempt - 20})`;
          title = `${base}${suffix}`;
          titleVi = `${baseVi}${suffix}`;
          attempt++;
        } while (used.has(title));
      }
      used.add(title);
      const n = String(i + 1).padStart(3, '0');
      const others = ministries.filter((x) => x !== m);
      const coordinating = rand() < 0.35 ? [pick(others)] : [];
      const person = `${pick(FIRST)} ${pick(LAST)}`;
      const decree = 10 + Math.floor(rand() * 170);
      const article = 1 + Math.floor(rand() * 40);
      rows.push({
        code: `${m}-${n}`,
        title,
        titleVi,
        sector,
        // The Vietnamese citation form names the article first: "Điều 20 Nghị định 58/2025/NĐ-CP".
        legalBasis: `Decree ${decree}/2025/ND-CP, Art. ${article}`,
        legalBasisVi: `Điều ${article} Nghị định ${decree}/2025/NĐ-CP`,
        level: rand() < 0.45 ? 'commune' : 'province',
        lead: m,
        coordinating,
        status: k ? (KNOWN_STATUS[m] ?? 'REQUIRES_GUIDANCE') : '',
        due: '',
        fpName: person,
        fpEmail: `focal.${m.toLowerCase()}@ministries.example`,
        since: '',
      });
    }
  }

  // Statuses: the known examples keep theirs; the rest are assigned to hit 584 / 355 / 10 exactly.
  const need = {
    AUTHORITY_ADJUSTMENT: AUTHORITY_ADJUSTMENT.count,
    REQUIRES_GUIDANCE: REQUIRES_GUIDANCE.count,
    FEASIBLE: FEASIBLE.count,
  };
  for (const r of rows) if (r.status) need[r.status as keyof typeof need]--;
  const open = rows.filter((r) => !r.status);
  for (let i = open.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [open[i], open[j]] = [open[j] as Row, open[i] as Row];
  }
  let idx = 0;
  for (const [status, n] of Object.entries(need)) for (let i = 0; i < n; i++) (open[idx++] as Row).status = status;

  // Due dates for work still owed: guidance within 2026-2027, authority adjustment later (law changes take longer).
  for (const r of rows) {
    if (r.status === 'FEASIBLE') continue;
    const start = Date.parse(r.status === 'REQUIRES_GUIDANCE' ? '2026-03-31' : '2026-09-30');
    const spanDays = 455;
    r.due = new Date(start + Math.floor(rand() * spanDays) * 86400000).toISOString().slice(0, 10);
  }

  // Status since: when each task entered the status it had in the report, between the start of the
  // two-tier model (1 July 2025) and the report (6 December 2025). Illustrative like the rest; drawn
  // from a generator of its own so the other columns stay as they were.
  const sinceRand = rng(20250701);
  const first = Date.parse('2025-07-01');
  const reportDays = Math.round((Date.parse('2025-12-06') - first) / 86400000) + 1;
  for (const r of rows)
    r.since = new Date(first + Math.floor(sinceRand() * reportDays) * 86400000).toISOString().slice(0, 10);

  const header = [
    '# Delegated-tasks catalog: ILLUSTRATIVE ROWS (Danh mục nhiệm vụ phân cấp: DỮ LIỆU MINH HOẠ).',
    '# The published list of the 949 delegated tasks is not available to this project. These rows are generated',
    '# (scripts/generate-catalog.ts) to match every published aggregate of the Ministry of Home Affairs report of',
    '# 6 December 2025: 949 tasks, 584 FEASIBLE, 355 REQUIRES_GUIDANCE, 10 AUTHORITY_ADJUSTMENT, 12 ministries;',
    '# the seven known bottleneck examples are real rows. Titles, codes, dates and focal points are made up.',
    '# Vietnamese first: title_vi, sector_vi, legal_basis_vi (the citation form "Điều 20 Nghị định 58/2025/NĐ-CP")',
    '# are the task; title_en, sector_en, legal_basis_en are the English renderings (optional columns).',
    '# To load the official list, write it in this format and run: npm run import -- <file> (see README).',
    '# Columns: code,title_vi,title_en,sector_vi,sector_en,legal_basis_vi,legal_basis_en,level(province|commune|both),',
    '#          lead_ministry,coordinating_ministries(;-separated),initial_status,initial_due_date(YYYY-MM-DD, empty for',
    '#          FEASIBLE),focal_point_name,focal_point_email,status_since(YYYY-MM-DD: in its status since then, as assessed',
    '#          on or before 6 December 2025; ILLUSTRATIVE dates here; optional in an imported file, the import date when absent)',
  ];
  const lines = [
    ...header,
    'code,title_vi,title_en,sector_vi,sector_en,legal_basis_vi,legal_basis_en,level,lead_ministry,coordinating_ministries,initial_status,initial_due_date,focal_point_name,focal_point_email,status_since',
    ...rows.map((r) =>
      [
        r.code,
        r.titleVi,
        r.title,
        vi(r.sector),
        r.sector,
        r.legalBasisVi,
        r.legalBasis,
        r.level,
        r.lead,
        r.coordinating.join(';'),
        r.status,
        r.due,
        r.fpName,
        r.fpEmail,
        r.since,
      ]
        .map(csv)
        .join(','),
    ),
  ];
  fs.writeFileSync(OUT, `${lines.join('\n')}\n`);
  console.log(`wrote ${rows.length} tasks to ${path.relative(process.cwd(), OUT)}`);
}

main();
