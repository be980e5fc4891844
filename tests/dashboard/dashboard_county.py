"""A hand-made county small enough to know every node in it (shared by the dashboard tests)."""

ID_A = "52010119800101123X"     # 张三, dibao holder with a car
ID_B = "520101198203041226"     # 李梅, his wife, legal representative of a company
ID_C = "520101199005051234"     # another 张三 (namesake) in another village
ID_D = "520101195001011111"     # 王五, paid two hundred times: too many neighbours to draw
PHONE = "13800138000"
COMPANY = "91520101MA6J1234XY"
PLATE = "贵A12345"

TINY_COUNTY = """
CREATE (dibao:Programme {code: 'dibao', name: '最低生活保障'}),
       (v1:Region {code: '520101101201', level: 'village', name: '青山村'}),
       (v2:Region {code: '520101102201', level: 'village', name: '绿水村'}),
       (t1:Region {code: '520101101', level: 'town', name: '青山镇'}),
       (v1)-[:IN_REGION]->(t1),
       (h1:Household {household_id: 'H1', address: '贵州省某县青山村1组8号', region_code: '520101101201'}),
       (h2:Household {household_id: 'H2', region_code: '520101102201'}),
       (h1)-[:IN_REGION]->(v1), (h2)-[:IN_REGION]->(v2),
       (a:Person {citizen_id: $a, name: '张三', sex: 'M', birth_date: '1980-01-01', region_code: '520101101201',
                  src_agency: 'public_security', src_file: 'gongan_huji.csv', src_row: 2, src_batch: 'b1'}),
       (b:Person {citizen_id: $b, name: '李梅', sex: 'F', birth_date: '1982-03-04', region_code: '520101101201'}),
       (c:Person {citizen_id: $c, name: '张三', sex: 'M', birth_date: '1990-05-05', region_code: '520101102201'}),
       (a)-[:MEMBER_OF {relation: 'head'}]->(h1), (b)-[:MEMBER_OF {relation: 'spouse'}]->(h1),
       (c)-[:MEMBER_OF {relation: 'head'}]->(h2),
       (a)-[:KIN {kind: 'spouse'}]->(b),
       (g:Grant {grant_id: 'G1', programme: 'dibao', start: '2022-01-01', status: 'active',
                 src_agency: 'civil_affairs', src_file: 'minzheng_jiuzhu.xlsx', src_row: 5, src_batch: 'b2'}),
       (h1)-[:RECEIVES]->(g), (g)-[:HELD_BY]->(a), (a)-[:BENEFICIARY_OF]->(g), (g)-[:OF_PROGRAMME]->(dibao),
       (g2:Grant {grant_id: 'G2', programme: 'dibao', start: '2021-01-01'}), (g2)-[:OF_PROGRAMME]->(dibao),
       (h2)-[:RECEIVES]->(g2),
       (a)-[:OWNS {start: '2023-05-01', src_agency: 'public_security', src_file: 'gongan_jidongche.csv',
                   src_row: 7, src_batch: 'b3'}]->(:Vehicle {vin: 'VIN0001', plate: $plate, vehicle_type: 'car'}),
       (a)-[:HAS_PHONE]->(:Phone {number: $phone}),
       (b)-[:LEGAL_REP {start: '2015-01-01', end: '2019-12-31'}]->
          (:Company {credit_code: $company, name: '青禾建材有限公司', company_type: 'enterprise', status: 'active'}),
       (:LoadBatch {batch_id: 'b1', agency: 'public_security', file_name: 'gongan_huji.csv',
                    finished: '2026-10-01T08:00:00+00:00', status: 'done'}),
       (:LoadBatch {batch_id: 'b2', agency: 'civil_affairs', file_name: 'minzheng_jiuzhu.xlsx',
                    finished: '2026-10-02T08:00:00+00:00', status: 'done'}),
       (:LoadBatch {batch_id: 'b3', agency: 'public_security', file_name: 'gongan_jidongche.csv',
                    finished: '2026-10-03T08:00:00+00:00', status: 'done'}),
       (d:Person {citizen_id: $d, name: '王五', birth_date: '1950-01-01'})
WITH d
UNWIND range(1, 200) AS i
CREATE (:Payment {payment_id: 'P' + toString(i), month: '2024-01', amount: 300.0})-[:PAID_TO]->(d)
"""
